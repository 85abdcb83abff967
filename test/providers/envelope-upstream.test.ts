import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { FakeEnvelope, type FakeFailure } from '../support/fake-envelope.js';
import { completion, FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY, postRaw, sseData } from '../support/openai-fixture.js';

const UPSTREAM_KEY = 'envelope-upstream-secret-7f3a9c';

interface EnvelopeFixture {
  upstream: FakeEnvelope;
  server: TestServer;
  openai: OpenAI;
  anthropic: Anthropic;
  close(): Promise<void>;
}

/** Lingua with model `m1` on a fake enveloped upstream (provider `env`, upstream model `env-model`); no retries, no breakers. */
async function envelopeFixture(apiKey = UPSTREAM_KEY, models: unknown[] = [{ name: 'm1', provider: 'env', model: 'env-model' }]): Promise<EnvelopeFixture> {
  const upstream = new FakeEnvelope(UPSTREAM_KEY);
  const baseUrl = await upstream.start('/api/v1');
  const server = await startLingua({
    keys: [{ name: 'test', key: API_KEY }],
    routing: { max_retries: 0, cooldown: { failures: 0 } },
    providers: [{ name: 'env', type: 'envelope', base_url: baseUrl, api_key: apiKey }],
    models,
  });
  return {
    upstream,
    server,
    openai: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 }),
    close: async () => { await server.close(); await upstream.close(); },
  };
}

const weatherTool = { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const toolReply = {
  choices: [{ text: 'Let me look.', toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }],
  usage: { prompt_tokens: 21, completion_tokens: 9 },
};

describe('an enveloped API as an upstream: clients of each protocol', () => {
  let f: EnvelopeFixture;
  before(async () => { f = await envelopeFixture(); });
  after(() => f.close());
  beforeEach(() => { f.upstream.reply = toolReply; });

  test('an OpenAI client gets the unwrapped completion with its tool call; the upstream gets an OpenAI body and its own key', async () => {
    const res = await f.openai.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: weatherTool }], max_tokens: 100, temperature: 0.5, user: 'user-123',
    });
    const choice = res.choices[0]!;
    assert.equal(choice.message.content, 'Let me look.');
    assert.deepEqual(choice.message.tool_calls, [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(res.usage?.prompt_tokens, 21);
    assert.equal(res.usage?.completion_tokens, 9);
    assert.equal(res.model, 'm1');

    const sent = f.upstream.last;
    assert.equal(sent.path, '/api/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.ok(!JSON.stringify(sent.headers).includes(API_KEY), "the client's key is not forwarded");
    assert.equal(sent.body.model, 'env-model');
    assert.deepEqual(sent.body.messages, [{ role: 'user', content: 'Weather in Paris?' }]);
    assert.equal(sent.body.max_tokens, 100);
    assert.equal(sent.body.temperature, 0.5);
    assert.equal(sent.body.user, 'user-123');
    assert.deepEqual(sent.body.tools, [{ type: 'function', function: weatherTool }]);
    assert.equal(sent.body.stream, undefined);
  });

  test('an OpenAI client streams text and a tool call from the plain SSE stream, with usage', async () => {
    const stream = await f.openai.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: weatherTool }],
      stream: true, stream_options: { include_usage: true },
    });
    const got = await collectStream(stream);
    assert.equal(got.text, 'Let me look.');
    assert.deepEqual(got.toolCalls.map(({ id, name, arguments: args }) => ({ id, name, args })), [{ id: 'call_w1', name: 'get_weather', args: '{"city":"Paris"}' }]);
    assert.deepEqual(got.finishReasons, ['tool_calls']);
    assert.equal(got.usages.at(-1)?.prompt_tokens, 21);
    assert.equal(got.usages.at(-1)?.completion_tokens, 9);
    assert.equal(f.upstream.last.body.stream, true);
  });

  test('an Anthropic client gets text and tool_use, whole and streamed', async () => {
    const params = {
      model: 'm1', max_tokens: 200, system: 'Be brief.',
      messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
      tools: [{ name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.parameters as Anthropic.Tool.InputSchema }],
    };
    const expected = [{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } }];
    const whole = await f.anthropic.messages.create(params);
    assert.deepEqual(whole.content.map(strip), expected);
    assert.equal(whole.stop_reason, 'tool_use');
    assert.equal(whole.usage.input_tokens, 21);
    assert.equal(whole.usage.output_tokens, 9);
    const sent = f.upstream.last.body;
    assert.deepEqual((sent.messages as unknown[])[0], { role: 'system', content: 'Be brief.' });
    assert.equal(sent.max_tokens, 200);

    const streamed = await f.anthropic.messages.stream(params).finalMessage();
    assert.deepEqual(streamed.content.map(strip), expected);
    assert.equal(streamed.stop_reason, 'tool_use');
    assert.equal(f.upstream.last.body.stream, true);
  });

  test("an Anthropic client's tool result reaches the upstream as an OpenAI tool message after the assistant's call", async () => {
    f.upstream.reply = { choices: [{ text: 'It is 18 °C in Paris.' }], usage: { prompt_tokens: 40, completion_tokens: 8 } };
    const res = await f.anthropic.messages.create({
      model: 'm1', max_tokens: 200,
      tools: [{ name: weatherTool.name, input_schema: weatherTool.parameters as Anthropic.Tool.InputSchema }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_w1', content: '18 °C' }] },
      ],
    });
    assert.deepEqual(res.content.map(strip), [{ type: 'text', text: 'It is 18 °C in Paris.' }]);
    const messages = f.upstream.last.body.messages as Array<Record<string, unknown>>;
    assert.deepEqual(messages.slice(1), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w1', content: '18 °C' },
    ]);
  });
});

/** A content block without the SDK's optional extras (citations…). */
function strip(block: Anthropic.ContentBlock): Record<string, unknown> {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'tool_use') return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
  return { type: block.type };
}

interface Expected {
  status: number;
  openaiType: string;
  code: string | null;
  param?: string;
  anthropicStatus?: number;
  anthropicType: string;
  retryAfter?: string;
}

/** Each code family, sent with its own HTTP status or with 200, and what callers get. */
const failures: Array<[string, FakeFailure, Expected]> = [
  ['invalid request (code 400 sent with HTTP 200), naming the field', { httpStatus: 200, code: '400', message: 'temperature must be between 0 and 2', param: 'temperature' },
    { status: 400, openaiType: 'invalid_request_error', code: null, param: 'temperature', anthropicType: 'invalid_request_error' }],
  ['invalid request as a word code, sent with HTTP 200', { httpStatus: 200, code: 'INVALID_PARAMETER', message: 'top_p is out of range', param: 'top_p' },
    { status: 400, openaiType: 'invalid_request_error', code: 'INVALID_PARAMETER', param: 'top_p', anthropicType: 'invalid_request_error' }],
  ['rate limit (429) with retry-after', { httpStatus: 429, code: '429', message: 'Too many requests', headers: { 'retry-after': '7' } },
    { status: 429, openaiType: 'rate_limit_error', code: null, anthropicType: 'rate_limit_error', retryAfter: '7' }],
  ['rate limit as a word code, sent with HTTP 200', { httpStatus: 200, code: 'RATE_LIMIT_EXCEEDED', message: 'Slow down' },
    { status: 429, openaiType: 'rate_limit_error', code: 'RATE_LIMIT_EXCEEDED', anthropicType: 'rate_limit_error' }],
  ['context length, said in the message', { httpStatus: 400, code: '400', message: "This model's maximum context length is 8192 tokens" },
    { status: 400, openaiType: 'invalid_request_error', code: 'context_length_exceeded', anthropicType: 'invalid_request_error' }],
  ['context length as a code, sent with HTTP 200', { httpStatus: 200, code: 'context_length_exceeded', message: 'Input too long' },
    { status: 400, openaiType: 'invalid_request_error', code: 'context_length_exceeded', anthropicType: 'invalid_request_error' }],
  ['overloaded, sent with HTTP 200', { httpStatus: 200, code: 'SERVER_BUSY', message: 'The engine is busy' },
    { status: 529, openaiType: 'server_error', code: 'SERVER_BUSY', anthropicType: 'overloaded_error' }],
  ['unavailable (code 503 sent with HTTP 500)', { httpStatus: 500, code: '503', message: 'Under maintenance' },
    { status: 503, openaiType: 'server_error', code: null, anthropicStatus: 529, anthropicType: 'overloaded_error' }],
  ['an upstream error (500)', { httpStatus: 500, code: '500', message: 'Internal error' },
    { status: 502, openaiType: 'upstream_error', code: null, anthropicType: 'api_error' }],
  ['a business code under 400, sent with HTTP 200', { httpStatus: 200, code: '40001', message: 'messages must not be empty' },
    { status: 400, openaiType: 'invalid_request_error', code: null, anthropicType: 'invalid_request_error' }],
  ["the upstream refusing this server's credentials (401 with HTTP 200)", { httpStatus: 200, code: '401', message: 'Token expired' },
    { status: 502, openaiType: 'upstream_error', code: 'upstream_credentials_refused', anthropicType: 'api_error' }],
  ['an unknown code sent with HTTP 200', { httpStatus: 200, code: 'E_STRANGE', message: 'Something odd' },
    { status: 502, openaiType: 'upstream_error', code: 'E_STRANGE', anthropicType: 'api_error' }],
  ['an unknown code sent with an HTTP error status: that status', { httpStatus: 429, code: 'E_STRANGE', message: 'Wait a little' },
    { status: 429, openaiType: 'rate_limit_error', code: 'E_STRANGE', anthropicType: 'rate_limit_error' }],
];

describe('an enveloped upstream failure reaches each caller in its own shape', () => {
  let f: EnvelopeFixture;
  before(async () => { f = await envelopeFixture(); });
  after(() => f.close());
  beforeEach(() => { f.upstream.failure = undefined; });

  for (const [what, failure, expected] of failures) {
    test(`${what} → ${expected.status}`, async () => {
      f.upstream.failure = failure;
      const chat = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(chat.status, expected.status, chat.text);
      const error = (JSON.parse(chat.text) as { error: { message: string; type: string; code: string | null; param: string | null } }).error;
      assert.equal(error.type, expected.openaiType);
      assert.equal(error.code, expected.code);
      assert.equal(error.param, expected.param ?? null);
      assert.ok(error.message.includes(failure.message), error.message);
      assert.equal(chat.headers.get('retry-after'), expected.retryAfter ?? null);

      const messages = await postRaw(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': API_KEY });
      assert.equal(messages.status, expected.anthropicStatus ?? expected.status, messages.text);
      const body = JSON.parse(messages.text) as { type: string; error: { type: string; message: string } };
      assert.equal(body.type, 'error');
      assert.equal(body.error.type, expected.anthropicType);
      assert.ok(body.error.message.includes(failure.message), body.error.message);
      assert.equal(messages.headers.get('retry-after'), expected.retryAfter ?? null);

      // Lingua's own enveloped endpoint answers in the envelope again, the status as its code.
      const enveloped = await postRaw(`${f.server.url}/api/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(enveloped.status, expected.status);
      assert.deepEqual(JSON.parse(enveloped.text), { success: false, code: String(expected.status), message: JSON.parse(enveloped.text).message, data: null });

      for (const res of [chat, messages, enveloped]) assert.ok(!res.text.includes(UPSTREAM_KEY));
    });
  }

  test('a failure envelope sent with 200 to a stream request fails the stream before it starts, for either SDK', async () => {
    f.upstream.failure = { httpStatus: 200, code: 'RATE_LIMIT_EXCEEDED', message: 'Slow down' };
    await assert.rejects(
      async () => { for await (const _ of await f.openai.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true })) { /* drain */ } },
      (e: unknown) => e instanceof OpenAI.APIError && e.status === 429 && e.message.includes('Slow down'),
    );
    await assert.rejects(
      async () => { for await (const _ of await f.anthropic.messages.create({ model: 'm1', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], stream: true })) { /* drain */ } },
      (e: unknown) => e instanceof Anthropic.APIError && e.status === 429 && e.message.includes('rate_limit_error'),
    );
  });

  test('a raw text completion is refused naming model, without calling the upstream (the API has none)', async () => {
    const before = f.upstream.requests.length;
    const res = await postRaw(`${f.server.url}/v1/completions`, { model: 'm1', prompt: 'Once upon a time' });
    assert.equal(res.status, 400, res.text);
    assert.equal(JSON.parse(res.text).error.param, 'model');
    assert.equal(f.upstream.requests.length, before);
  });

  test('a success envelope without data is an upstream error, not an empty answer', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"success":true,"code":"200","message":"successful","data":null}'); };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(res.status, 502);
      assert.match(res.text, /success without data/);
    } finally { f.upstream.handler = undefined; }
  });
});

describe('an enveloped upstream failing mid-stream', () => {
  let f: EnvelopeFixture;
  before(async () => { f = await envelopeFixture(); });
  after(() => f.close());
  beforeEach(() => { f.upstream.reply = { choices: [{ text: 'Hello from the envelope.' }], usage: { prompt_tokens: 5, completion_tokens: 6 } }; });

  test('a failure envelope after some chunks ends the OpenAI stream with an error frame, after the text sent', async () => {
    f.upstream.midStream = { chunks: 2, how: 'envelope', code: '500', message: 'engine crashed' };
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of await f.openai.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
        text += chunk.choices[0]?.delta.content ?? '';
      }
    }, /engine crashed/);
    assert.equal(text, 'Hello fr');

    const raw = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true });
    assert.equal(raw.status, 200);
    const frames = sseData(raw.text).filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, any>);
    assert.match(String(frames.at(-1)?.error?.message), /engine crashed/);
    assert.ok(!frames.some((c) => c.choices?.[0]?.finish_reason), 'no chunk says the answer finished');
  });

  test('a failure envelope after some chunks ends the Anthropic stream with an error event', async () => {
    f.upstream.midStream = { chunks: 2, how: 'envelope', code: 'SERVER_BUSY', message: 'engine busy' };
    let text = '';
    await assert.rejects(async () => {
      for await (const event of f.anthropic.messages.stream({ model: 'm1', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      }
    }, /engine busy/);
    assert.equal(text, 'Hello fr');
  });

  test('a connection cut mid-stream is an error for either SDK, never a silent end', async () => {
    f.upstream.midStream = { chunks: 2, how: 'cut' };
    await assert.rejects(async () => {
      for await (const _ of await f.openai.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true })) { /* drain */ }
    });
    await assert.rejects(() => f.anthropic.messages.stream({ model: 'm1', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).finalMessage());
  });
});

describe('an enveloped context-length failure and the router', () => {
  test("a context_length_exceeded code sent with 200 moves the request to the model's context_fallbacks", async () => {
    const f = await envelopeFixture(UPSTREAM_KEY, [
      { name: 'short', provider: 'env', model: 'env-8k', context_fallbacks: ['long'] },
      { name: 'long', provider: 'env', model: 'env-128k' },
    ]);
    try {
      f.upstream.handler = (req, res) => {
        const long = req.body.model === 'env-128k';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(long
          ? { success: true, code: '200', message: 'successful', data: completion({ choices: [{ text: 'Read it all.' }] }, req) }
          : { success: false, code: 'CONTEXT_LENGTH_EXCEEDED', message: 'Input exceeds 8192 tokens', data: null }));
      };
      const res = await f.openai.chat.completions.create({ model: 'short', messages: [{ role: 'user', content: 'a long document' }] });
      assert.equal(res.choices[0]?.message.content, 'Read it all.');
      assert.deepEqual(f.upstream.requests.map((r) => r.body.model), ['env-8k', 'env-128k']);
    } finally {
      await f.close();
    }
  });
});

describe("an enveloped upstream's credentials", () => {
  test('an upstream that refuses the configured key and quotes it: a 502 with the key redacted, streamed or not', async () => {
    const wrongKey = 'wrong-upstream-key-5b6c7d';
    const f = await envelopeFixture(wrongKey);
    try {
      for (const stream of [false, true]) {
        const res = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream });
        assert.equal(res.status, 502);
        const error = (JSON.parse(res.text) as { error: { message: string; code: string } }).error;
        assert.equal(error.code, 'upstream_credentials_refused');
        assert.match(error.message, /Invalid token: \[redacted\]/);
        assert.ok(!res.text.includes(wrongKey));
        assert.ok(![...res.headers.values()].some((v) => v.includes(wrongKey)));
      }
      assert.equal(f.upstream.last.headers.authorization, `Bearer ${wrongKey}`, 'the configured key was the one sent');
    } finally {
      await f.close();
    }
  });
});

describe("Lingua's own /api/v1 as the enveloped upstream of another Lingua", () => {
  const INNER_KEY = 'sk-inner-lingua-0a1b2c3d';
  let backend: FakeOpenAI;
  let inner: TestServer;
  let outer: TestServer;
  let client: OpenAI;
  before(async () => {
    backend = new FakeOpenAI();
    const backendUrl = await backend.start();
    const routing = { max_retries: 0, cooldown: { failures: 0 } };
    inner = await startLingua({
      keys: [{ name: 'outer', key: INNER_KEY }], routing,
      providers: [{ name: 'backend', type: 'openai', base_url: backendUrl }],
      models: [{ name: 'inner-model', provider: 'backend', model: 'backend-model' }],
    });
    outer = await startLingua({
      keys: [{ name: 'test', key: API_KEY }], routing,
      providers: [{ name: 'inner', type: 'envelope', base_url: `${inner.url}/api/v1`, api_key: INNER_KEY }],
      models: [{ name: 'm1', provider: 'inner', model: 'inner-model' }],
    });
    client = new OpenAI({ baseURL: `${outer.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => { await outer.close(); await inner.close(); await backend.close(); });
  beforeEach(() => {
    backend.handler = undefined;
    backend.reply = { choices: [{ text: 'Through two gateways.' }], usage: { prompt_tokens: 4, completion_tokens: 4 } };
  });

  test('whole and streamed answers come through, the tool call too', async () => {
    const whole = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(whole.choices[0]?.message.content, 'Through two gateways.');
    assert.equal(whole.usage?.completion_tokens, 4);
    assert.equal(backend.last.body.model, 'backend-model');

    backend.reply = toolReply;
    const got = await collectStream(await client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: weatherTool }], stream: true,
    }));
    assert.equal(got.text, 'Let me look.');
    assert.deepEqual(got.toolCalls.map((c) => [c.id, c.name, c.arguments]), [['call_w1', 'get_weather', '{"city":"Paris"}']]);
    assert.deepEqual(got.finishReasons, ['tool_calls']);
  });

  test("the inner Lingua's failure envelope (a backend 429) is a 429 with its retry-after", async () => {
    backend.handler = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ error: { message: 'backend says slow down', type: 'rate_limit_error', param: null, code: null } }));
    };
    const res = await postRaw(`${outer.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 429, res.text);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.match(res.text, /backend says slow down/);
  });

  test("the inner Lingua's error frame mid-stream ends the outer stream with an error", async () => {
    backend.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'Half' }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      res.end(`data: ${JSON.stringify({ error: { message: 'backend fell over', type: 'server_error' } })}\n\n`);
    };
    let text = '';
    await assert.rejects(async () => {
      for await (const c of await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true })) text += c.choices[0]?.delta.content ?? '';
    }, /backend fell over/);
    assert.equal(text, 'Half');
  });
});
