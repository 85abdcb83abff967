import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { FakeResponses } from '../support/fake-responses.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

type Item = Record<string, any>;

const citation = { type: 'url_citation' as const, start_index: 0, end_index: 5, url: 'https://example.com/paris', title: 'Paris' };
const searchCall = { id: 'ws_up9', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'paris weather' } };

/** Fields a Responses client sends that Lingua does not model (or refuses for other backends). */
const unmodelled = {
  text: { verbosity: 'low' as const },
  truncation: 'auto' as const,
  include: ['message.output_text.logprobs' as const],
  top_logprobs: 3,
  service_tier: 'flex' as const,
  metadata: { team: 'a' },
  prompt_cache_key: 'conv-7',
};

describe('the lossless path: a Responses client in front of an openai-responses upstream', () => {
  let upstream: FakeResponses;
  let chat: FakeOpenAI;
  let claude: FakeAnthropic;
  let server: TestServer;
  let openai: OpenAI;

  before(async () => {
    upstream = new FakeResponses();
    chat = new FakeOpenAI();
    claude = new FakeAnthropic();
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [
        // native_search: the upstream runs the hosted web_search tool itself.
        { name: 'resp', type: 'openai-responses', base_url: await upstream.start(), api_key: 'k', encrypted_reasoning: true, native_search: true },
        { name: 'chat', type: 'openai', base_url: await chat.start(), api_key: 'k' },
        { name: 'claude', type: 'anthropic', base_url: await claude.start(), api_key: 'k' },
      ],
      models: [{ name: 'r1', provider: 'resp', model: 'gpt-up' }, { name: 'c1', provider: 'chat', model: 'chat-up' }, { name: 'a1', provider: 'claude', model: 'claude-up' }],
    });
    openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await Promise.all([upstream.close(), chat.close(), claude.close()]);
  });

  test('the client\'s body reaches the upstream as sent (bar model, stream, store); annotations, logprobs and service_tier come back', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Paris is sunny.', annotations: [citation] }], usage: { input_tokens: 9, output_tokens: 4 } };
    const history: OpenAI.Responses.ResponseInput = [
      { role: 'user' as const, content: 'Weather?' },
      { type: 'message' as const, role: 'assistant' as const, id: 'msg_old', status: 'completed' as const, content: [{ type: 'output_text' as const, text: 'Where?', annotations: [citation] }] },
      { role: 'user' as const, content: 'Paris' },
    ];
    const r = await openai.responses.create({ model: 'r1', instructions: 'Be brief.', input: history, store: false, ...unmodelled });
    assert.deepEqual(upstream.last.body, {
      model: 'gpt-up',
      instructions: 'Be brief.',
      // The client's items as it wrote them, bar the ids (Lingua's; a store: false upstream keeps none).
      input: [history[0], { type: 'message', role: 'assistant', status: 'completed', content: (history[1] as Item).content }, history[2]],
      ...unmodelled,
      // Lingua's provider asks for the reasoning's encrypted content as well (encrypted_reasoning: true).
      include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
      stream: true,
      store: false,
    });
    const message = r.output[0] as Item;
    assert.equal(message.type, 'message');
    assert.match(message.id, /^msg_/);
    assert.notEqual(message.id, 'msg_up0', 'Lingua\'s own id');
    assert.deepEqual(message.content[0].annotations, [citation]);
    assert.deepEqual(message.content[0].logprobs.map((l: Item) => l.token).join(''), 'Paris is sunny.');
    assert.equal(r.output_text, 'Paris is sunny.');
    assert.equal(r.model, 'r1');
    assert.notEqual(r.id, 'resp_upstream1');
    assert.equal(r.service_tier, 'flex');
    assert.equal(r.truncation, 'auto');
    assert.equal(r.text?.verbosity, 'low');
  });

  test('streamed: each delta\'s logprobs, the annotation, and items as the upstream made them under Lingua\'s ids', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Paris is sunny.', annotations: [citation] }], usage: { input_tokens: 9, output_tokens: 4 }, chunkSize: 5 };
    const stream = openai.responses.stream({ model: 'r1', input: 'Paris?', ...unmodelled });
    const events: Item[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.finalResponse();
    assert.equal(upstream.last.body.input, 'Paris?');
    assert.equal(upstream.last.body.truncation, 'auto');
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    assert.deepEqual(deltas.map((e) => e.delta), ['Paris', ' is s', 'unny.']);
    assert.deepEqual(deltas.map((e) => e.logprobs.map((l: Item) => l.token)), [['Paris'], [' is s'], ['unny.']]);
    const annotation = events.find((e) => e.type === 'response.output_text.annotation.added');
    assert.deepEqual(annotation?.annotation, citation);
    const done = events.find((e) => e.type === 'response.output_item.done')!.item;
    // The SDK adds `parsed` to the final response's text parts.
    assert.deepEqual({ ...final.output[0], content: (final.output[0] as Item).content.map(({ parsed: _, ...part }: Item) => part) }, done);
    assert.deepEqual((done.content[0] as Item).annotations, [citation]);
    assert.equal((done.content[0] as Item).logprobs.length, 3);
    assert.match(done.id, /^msg_/);
    assert.equal(final.service_tier, 'flex');
    assert.equal(events.at(-1)!.type, 'response.completed');
  });

  test('the upstream\'s encrypted reasoning reaches the client sealed and goes back unchanged, sent again or by previous_response_id', async () => {
    upstream.reply = {
      output: [{ type: 'reasoning', summary: ['Plan.'], encrypted: 'gAAAA-upstream-own' }, { type: 'message', text: 'Step one.' }],
      usage: { input_tokens: 10, output_tokens: 20 },
    };
    const first = await openai.responses.create({ model: 'r1', input: 'Go', include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium', summary: 'auto' } });
    const reasoning = first.output[0] as Item;
    assert.equal(reasoning.type, 'reasoning');
    assert.deepEqual(reasoning.summary, [{ type: 'summary_text', text: 'Plan.' }]);
    assert.ok(typeof reasoning.encrypted_content === 'string' && reasoning.encrypted_content !== 'gAAAA-upstream-own', 'sealed by Lingua');

    upstream.reply = { output: [{ type: 'message', text: 'Step two.' }], usage: { input_tokens: 30, output_tokens: 3 } };
    await openai.responses.create({
      model: 'r1', store: false, include: ['reasoning.encrypted_content'],
      input: [{ role: 'user', content: 'Go' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'Next' }],
    });
    const sent = upstream.last.body.input as Item[];
    assert.deepEqual(sent[1], { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'gAAAA-upstream-own' });
    assert.deepEqual(sent.map((i) => i.type ?? i.role), ['user', 'reasoning', 'message', 'user']);

    await openai.responses.create({ model: 'r1', previous_response_id: first.id, input: 'And then?' });
    const continued = upstream.last.body;
    assert.equal(continued.previous_response_id, undefined, 'Lingua keeps the state; the upstream is sent the conversation');
    assert.deepEqual((continued.input as Item[]).find((i) => i.type === 'reasoning')?.encrypted_content, 'gAAAA-upstream-own');
    assert.deepEqual((continued.input as Item[]).map((i) => i.type ?? i.role), ['message', 'reasoning', 'message', 'message']);
  });

  test('encrypted content Lingua did not seal (the upstream\'s own) goes to the upstream as it came; any other backend refuses it by name', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Continued.' }], usage: { input_tokens: 7, output_tokens: 1 } };
    const input: OpenAI.Responses.ResponseInput = [
      { role: 'user', content: 'Go' },
      { type: 'reasoning', id: 'rs_direct', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'gAAAA-from-openai-directly' },
      { role: 'user', content: 'Next' },
    ];
    await openai.responses.create({ model: 'r1', input, store: false });
    assert.deepEqual((upstream.last.body.input as Item[])[1], { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'gAAAA-from-openai-directly' });
    const before = chat.requests.length;
    await assert.rejects(openai.responses.create({ model: 'c1', input, store: false }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError, String(e));
      assert.equal(e.param, 'input[1].encrypted_content');
      return true;
    });
    assert.equal(chat.requests.length, before);
  });

  test('a hosted tool\'s item the upstream made reaches the client, whole and streamed', async () => {
    upstream.reply = { output: [{ type: 'raw', item: searchCall }, { type: 'message', text: 'Sunny.' }], usage: { input_tokens: 5, output_tokens: 2 } };
    const tools = [{ type: 'web_search' as const }];
    const whole = await openai.responses.create({ model: 'r1', input: 'Weather in Paris?', tools });
    assert.deepEqual(whole.output.map((i) => i.type), ['web_search_call', 'message']);
    assert.deepEqual(whole.output[0], searchCall);
    assert.deepEqual(upstream.last.body.tools, tools, 'the hosted tool as the client asked for it');
    const stream = openai.responses.stream({ model: 'r1', input: 'Weather in Paris?', tools });
    const added: string[] = [];
    for await (const e of stream) if (e.type === 'response.output_item.added') added.push(e.item.type);
    assert.deepEqual(added, ['web_search_call', 'message']);
    assert.deepEqual((await stream.finalResponse()).output[0], searchCall);
  });

  test('what only a Responses backend can serve is still refused by name on another backend, and nothing is sent', async () => {
    const before = chat.requests.length + claude.requests.length;
    const fields = { truncation: 'auto', top_logprobs: 3, service_tier: 'flex', text: { verbosity: 'low' }, include: ['message.output_text.logprobs'] };
    for (const [[field, value], model] of Object.entries(fields).flatMap((f) => [[f, 'c1'], [f, 'a1']] as const)) {
      await assert.rejects(openai.responses.create({ model, input: 'x', [field]: value }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError, String(e));
        assert.equal(e.param, field === 'text' ? 'text.verbosity' : field);
        assert.match(e.message, /openai-responses/);
        return true;
      });
    }
    assert.equal(chat.requests.length + claude.requests.length, before);
  });

  test('a Chat and an Anthropic client on the same upstream are still translated', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Hi.', annotations: [citation] }], usage: { input_tokens: 3, output_tokens: 1 } };
    const c = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(c.choices[0]!.message.content, 'Hi.');
    assert.deepEqual(upstream.last.body.input, [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }]);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    const m = await anthropic.messages.create({ model: 'r1', max_tokens: 32, messages: [{ role: 'user', content: 'Hello' }] });
    assert.deepEqual(m.content, [{ type: 'text', text: 'Hi.' }]);
    assert.equal(upstream.last.body.max_output_tokens, 32);
  });
});
