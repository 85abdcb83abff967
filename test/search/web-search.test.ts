import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { completion, FakeOpenAI, streamReply, type FakeHandler, type FakeReply, type RecordedRequest } from '../support/fake-openai.js';
import { FakeSearxng } from '../support/fake-searxng.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY, postRaw, sseData } from '../support/openai-fixture.js';

type Body = Record<string, unknown>;
type UpstreamMessage = { role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };

/** A fake-upstream handler answering whatever `pick` chooses for each request, streamed or not. */
function answer(pick: (req: RecordedRequest) => FakeReply): FakeHandler {
  return (req, res) => {
    const reply = pick(req);
    if (req.body.stream === true) return streamReply(reply, req, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(reply, req)));
  };
}

const messagesOf = (req: RecordedRequest) => req.body.messages as UpstreamMessage[];

/** A model that searches for `query` first, then answers citing [1]. */
const searchingModel = (query: string) => answer((req) => messagesOf(req).some((m) => m.role === 'tool')
  ? { choices: [{ text: 'Ling-1T has a trillion parameters [1].' }], usage: { prompt_tokens: 50, completion_tokens: 10 } }
  : { choices: [{ text: 'Let me check. ', toolCalls: [{ id: 'call_s1', name: 'web_search', arguments: JSON.stringify({ query }) }] }], usage: { prompt_tokens: 20, completion_tokens: 5 } });

const ask = (fields: Body = {}): Body => ({
  model: 'm1',
  messages: [{ role: 'user' as const, content: 'How big is Ling-1T?' }],
  enable_search: true,
  ...fields,
});
/** The request as the `openai` client's parameter type (it has no field for seed 000's extensions). */
const params = <T>(fields: Body = {}): T => ask(fields) as unknown as T;
type Plain = OpenAI.ChatCompletionCreateParamsNonStreaming;
type Streamed = OpenAI.ChatCompletionCreateParamsStreaming;

describe('enable_search served by Lingua (SearXNG backend)', () => {
  const upstream = new FakeOpenAI();
  const searx = new FakeSearxng();
  let server: TestServer;
  let client: OpenAI;
  before(async () => {
    const base = await upstream.start();
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'up', type: 'openai', base_url: base }, { name: 'ling', type: 'openai', base_url: base, native_search: true }],
      models: [{ name: 'm1', provider: 'up' }, { name: 'ling-native', provider: 'ling' }],
      search: { type: 'searxng', base_url: await searx.start(''), max_searches: 2, max_results: 2, language: 'en' },
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await upstream.close();
    await searx.close();
  });

  test('the model calls web_search; Lingua searches, feeds the results back, and returns the answer with search_results', async () => {
    upstream.handler = searchingModel('Ling-1T parameters');
    const before = upstream.requests.length;
    const r = await client.chat.completions.create(params<Plain>());
    const body = r as unknown as Body & { search_results: unknown };
    assert.equal(r.choices[0]!.message.content, 'Let me check. Ling-1T has a trillion parameters [1].');
    assert.equal(r.choices[0]!.message.tool_calls, undefined);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(body.search_results, [
      { index: 1, title: 'Ling-1T launch', url: 'https://example.com/ling-1t', snippet: 'Ling-1T is a trillion-parameter model.', query: 'Ling-1T parameters' },
      { index: 2, title: 'Ling models', url: 'https://example.com/ling', snippet: 'The Ling family of models.', query: 'Ling-1T parameters' },
    ]);
    // Both model calls are billed.
    assert.deepEqual(r.usage, { prompt_tokens: 70, completion_tokens: 15, total_tokens: 85 });
    assert.equal(searx.queries.at(-1), 'Ling-1T parameters');
    assert.equal(new URL(searx.last.path, 'http://x').searchParams.get('language'), 'en');

    const [first, second] = upstream.requests.slice(before);
    assert.equal(upstream.requests.length - before, 2);
    for (const req of [first!, second!]) {
      assert.equal(req.body.enable_search, undefined, 'the search fields stay in Lingua');
      assert.equal(req.body.search_options, undefined);
      assert.deepEqual((req.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name), ['web_search']);
    }
    const fedBack = messagesOf(second!).slice(1);
    assert.equal(fedBack[0]!.role, 'assistant');
    assert.equal(fedBack[0]!.content, 'Let me check. ');
    assert.deepEqual(fedBack[0]!.tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments]), [['call_s1', 'web_search', '{"query":"Ling-1T parameters"}']]);
    assert.equal(fedBack[1]!.role, 'tool');
    assert.equal(fedBack[1]!.tool_call_id, 'call_s1');
    assert.equal(fedBack[1]!.content, 'Web results for "Ling-1T parameters":\n\n[1] Ling-1T launch\nhttps://example.com/ling-1t\nLing-1T is a trillion-parameter model.\n\n[2] Ling models\nhttps://example.com/ling\nThe Ling family of models.');
  });

  test('streaming: the sources arrive in a choices-[] chunk before the answer that cites them; no web_search call reaches the client', async () => {
    upstream.handler = searchingModel('Ling-1T size');
    const got = await collectStream(await client.chat.completions.create(params<Streamed>({ stream: true, stream_options: { include_usage: true } })));
    assert.equal(got.text, 'Let me check. Ling-1T has a trillion parameters [1].');
    assert.deepEqual(got.toolCalls, []);
    assert.deepEqual(got.finishReasons, ['stop']);
    assert.deepEqual(got.usages, [{ prompt_tokens: 70, completion_tokens: 15, total_tokens: 85 }]);
    const at = got.chunks.findIndex((c) => 'search_results' in c);
    const sources = (got.chunks[at] as unknown as { search_results: Array<{ url: string; query: string }> }).search_results;
    assert.deepEqual(sources.map((s) => [s.url, s.query]), [['https://example.com/ling-1t', 'Ling-1T size'], ['https://example.com/ling', 'Ling-1T size']]);
    assert.deepEqual(got.chunks[at]!.choices, []);
    const answerAt = got.chunks.findIndex((c) => c.choices[0]?.delta.content === 'Ling');
    assert.ok(at > 0 && at < answerAt, 'role chunk first, sources before the answer');
  });

  test('the raw search_results chunk is byte-exact OpenAI chunk framing', async () => {
    upstream.handler = searchingModel('q');
    searx.resultsFor = () => [{ title: 'T', url: 'https://t.example', content: 'S' }];
    try {
      const res = await postRaw(`${server.url}/v1/chat/completions`, ask({ stream: true }));
      const frame = sseData(res.text).find((d) => d.includes('search_results'))!;
      const id = JSON.parse(frame).id as string;
      const created = JSON.parse(frame).created as number;
      assert.equal(frame, `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":"m1","choices":[],"search_results":[{"index":1,"title":"T","url":"https://t.example","snippet":"S","query":"q"}]}`);
    } finally { searx.resultsFor = undefined; }
  });

  test('forced_search: Lingua searches the last user message before the first model call', async () => {
    upstream.handler = answer(() => ({ choices: [{ text: 'Answered from the results [1].' }], usage: { prompt_tokens: 40, completion_tokens: 6 } }));
    const searchesBefore = searx.requests.length;
    const before = upstream.requests.length;
    const r = await client.chat.completions.create(params<Plain>({ search_options: { forced_search: true } }));
    assert.equal(r.choices[0]!.message.content, 'Answered from the results [1].');
    assert.deepEqual(searx.queries.slice(searchesBefore), ['How big is Ling-1T?']);
    assert.equal(upstream.requests.length - before, 1);
    const sent = messagesOf(upstream.last);
    assert.deepEqual(sent.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.deepEqual(JSON.parse(sent[1]!.tool_calls![0]!.function.arguments), { query: 'How big is Ling-1T?' });
    assert.match(String(sent[2]!.content), /^Web results for "How big is Ling-1T\?":/);
    assert.equal((r as unknown as { search_results: unknown[] }).search_results.length, 2);
  });

  test('a model that answers without searching: one call, no search_results field', async () => {
    upstream.handler = answer(() => ({ choices: [{ text: 'No search needed.' }], usage: { prompt_tokens: 5, completion_tokens: 3 } }));
    const searchesBefore = searx.requests.length;
    const r = await client.chat.completions.create(params<Plain>());
    assert.equal(r.choices[0]!.message.content, 'No search needed.');
    assert.equal('search_results' in r, false);
    assert.equal(searx.requests.length, searchesBefore);
  });

  test("client tools stay the client's: their calls are forwarded, numbered from 0, and end the turn", async () => {
    upstream.handler = answer(() => ({
      choices: [{ toolCalls: [{ id: 'call_s', name: 'web_search', arguments: '{"query":"x"}' }, { id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }],
      usage: { prompt_tokens: 5, completion_tokens: 3 },
    }));
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const searchesBefore = searx.requests.length;
    const got = await collectStream(await client.chat.completions.create(params<Streamed>({ tools, stream: true })));
    assert.deepEqual(got.toolCalls, [{ index: 0, id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}', idAndNameFirst: true }]);
    assert.deepEqual(got.finishReasons, ['tool_calls']);
    assert.equal(searx.requests.length, searchesBefore);
    assert.deepEqual((upstream.last.body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name), ['get_weather', 'web_search']);
  });

  test('bounded: after max_searches the model is told the limit and must answer without tools', async () => {
    upstream.handler = answer((req) => req.body.tool_choice === 'none'
      ? { choices: [{ text: 'Final answer.' }], usage: { prompt_tokens: 1, completion_tokens: 1 } }
      : { choices: [{ toolCalls: [{ id: `call_${upstream.requests.length}`, name: 'web_search', arguments: '{"query":"again"}' }] }], usage: { prompt_tokens: 1, completion_tokens: 1 } });
    const searchesBefore = searx.requests.length;
    const before = upstream.requests.length;
    const r = await client.chat.completions.create(params<Plain>());
    assert.equal(r.choices[0]!.message.content, 'Final answer.');
    assert.equal(searx.requests.length - searchesBefore, 2, 'max_searches: 2');
    assert.equal(upstream.requests.length - before, 4);
    const lastResult = messagesOf(upstream.last).at(-1)!;
    assert.match(String(lastResult.content), /Search limit reached/);
  });

  test('a model that keeps calling web_search past the limit → 502, not a loop', async () => {
    upstream.handler = answer(() => ({ choices: [{ toolCalls: [{ id: 'call_x', name: 'web_search', arguments: '{"query":"again"}' }] }], usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    const res = await postRaw(`${server.url}/v1/chat/completions`, ask());
    assert.equal(res.status, 502);
    assert.equal(JSON.parse(res.text).error.code, 'search_limit');
  });

  test('a failing search backend → 502 search_failed', async () => {
    upstream.handler = searchingModel('x');
    searx.handler = (_req, res) => { res.writeHead(500); res.end('engine down'); };
    try {
      const res = await postRaw(`${server.url}/v1/chat/completions`, ask());
      assert.equal(res.status, 502);
      const error = JSON.parse(res.text).error;
      assert.equal(error.code, 'search_failed');
      assert.match(error.message, /search backend failed with HTTP 500/);
    } finally { searx.handler = undefined; }
  });

  test('bad search fields are a 400 naming them', async () => {
    const cases: Array<[Body, string]> = [
      [{ enable_search: 'yes' }, 'enable_search'],
      [{ search_options: 'force' }, 'search_options'],
      [{ search_options: { forced_search: 1 } }, 'search_options.forced_search'],
      [{ search_options: { search_strategy: 'pro' } }, 'search_options.search_strategy'],
      [{ tools: [{ type: 'function', function: { name: 'web_search' } }] }, 'tools'],
      [{ n: 2 }, 'n'],
    ];
    for (const [fields, param] of cases) {
      const res = await postRaw(`${server.url}/v1/chat/completions`, ask(fields));
      assert.equal(res.status, 400, param);
      assert.equal(JSON.parse(res.text).error.param, param);
    }
  });

  test('enable_search: false is accepted and the search fields are not sent upstream', async () => {
    upstream.handler = undefined;
    upstream.reply = { choices: [{ text: 'plain' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const r = await client.chat.completions.create(params<Plain>({ enable_search: false, search_options: { forced_search: true } }));
    assert.equal(r.choices[0]!.message.content, 'plain');
    assert.equal(upstream.last.body.enable_search, undefined);
    assert.equal(upstream.last.body.search_options, undefined);
    assert.equal(upstream.last.body.tools, undefined);
  });

  test('native_search providers get enable_search and search_options untouched, and Lingua does not search', async () => {
    upstream.handler = undefined;
    upstream.reply = { choices: [{ text: 'searched natively' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const searchesBefore = searx.requests.length;
    const r = await client.chat.completions.create(params<Plain>({ model: 'ling-native', search_options: { forced_search: true } }));
    assert.equal(r.choices[0]!.message.content, 'searched natively');
    assert.equal(upstream.last.body.enable_search, true);
    assert.deepEqual(upstream.last.body.search_options, { forced_search: true });
    assert.equal(upstream.last.body.tools, undefined);
    assert.equal(searx.requests.length, searchesBefore);
  });
});

describe('enable_search with neither a search backend nor a native provider', () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  before(async () => {
    server = await startLingua({ providers: [{ name: 'up', type: 'openai', base_url: await upstream.start() }], models: [{ name: 'm1', provider: 'up' }] });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('→ 400 with a clear message naming enable_search; nothing reaches the upstream', async () => {
    const res = await postRaw(`${server.url}/v1/chat/completions`, ask());
    assert.equal(res.status, 400);
    const error = JSON.parse(res.text).error;
    assert.equal(error.param, 'enable_search');
    assert.equal(error.code, 'search_unavailable');
    assert.match(error.message, /no search backend configured/);
    assert.equal(upstream.requests.length, 0);
  });
});
