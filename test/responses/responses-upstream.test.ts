import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeResponses, sendError } from '../support/fake-responses.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { until } from '../support/until.js';
import { checkStream, postResponses, sseEvents, type Event } from './support.js';

type Item = Record<string, any>;

const weatherTool = { name: 'get_weather', description: 'The weather in a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

describe('the openai-responses provider: Chat, Messages and Responses clients in front of a Responses upstream', () => {
  let upstream: FakeResponses;
  let server: TestServer;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    upstream = new FakeResponses();
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'resp', type: 'openai-responses', base_url: await upstream.start(), api_key: 'upstream-secret-key', encrypted_reasoning: true }],
      models: [{ name: 'r1', provider: 'resp', model: 'gpt-up' }, { name: 'r1-strict', provider: 'resp', model: 'gpt-up', unsupported_params: 'strict' }],
    });
    openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('chat.completions.create: a tool call, then the second turn with its result', async () => {
    upstream.reply = {
      output: [{ type: 'function_call', callId: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      usage: { input_tokens: 40, output_tokens: 12, cached_tokens: 8, reasoning_tokens: 3 },
    };
    const first = await openai.chat.completions.create({
      model: 'r1',
      messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: weatherTool }],
      tool_choice: 'auto',
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
    });
    const sent = upstream.last;
    assert.equal(sent.path, '/v1/responses');
    assert.equal(sent.headers.authorization, 'Bearer upstream-secret-key');
    assert.deepEqual(sent.body, {
      model: 'gpt-up',
      instructions: 'You are terse.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }],
      stream: true,
      store: false,
      max_output_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      tools: [{ type: 'function', ...weatherTool, strict: false }],
      tool_choice: 'auto',
      include: ['reasoning.encrypted_content'],
    });
    const choice = first.choices[0]!;
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.deepEqual(choice.message.tool_calls, [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    assert.equal(first.model, 'r1');
    assert.equal(first.usage?.prompt_tokens, 40);
    assert.equal(first.usage?.completion_tokens, 12);
    assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 8);
    assert.equal(first.usage?.completion_tokens_details?.reasoning_tokens, 3);

    upstream.reply = { output: [{ type: 'message', text: 'Sunny, 21 °C.' }], usage: { input_tokens: 60, output_tokens: 6 } };
    const second = await openai.chat.completions.create({
      model: 'r1',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Paris?' },
        choice.message,
        { role: 'tool', tool_call_id: 'call_w1', content: '{"sky":"sunny","c":21}' },
      ],
      tools: [{ type: 'function', function: weatherTool }],
    });
    assert.deepEqual(upstream.last.body.input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { type: 'function_call', call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_w1', output: '{"sky":"sunny","c":21}' },
    ]);
    assert.equal(second.choices[0]!.message.content, 'Sunny, 21 °C.');
    assert.equal(second.choices[0]!.finish_reason, 'stop');
  });

  test('chat.completions stream: reasoning summary and text deltas, a length finish, usage last', async () => {
    upstream.reply = {
      output: [{ type: 'reasoning', summary: ['Think first.', 'Then answer.'] }, { type: 'message', text: 'The answer is forty-two' }],
      incomplete: 'max_output_tokens',
      usage: { input_tokens: 15, output_tokens: 30, reasoning_tokens: 20 },
      chunkSize: 5,
    };
    const stream = await openai.chat.completions.create({
      model: 'r1',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Why?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }] }],
      reasoning_effort: 'high',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let reasoning = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      text += c?.delta.content ?? '';
      reasoning += (c?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
      finish = c?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'The answer is forty-two');
    assert.equal(reasoning, 'Think first.\n\nThen answer.');
    assert.equal(finish, 'length');
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 20);
    assert.equal(usage?.total_tokens, 45);
    const body = upstream.last.body;
    assert.deepEqual(body.input, [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Why?' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'low' }] }]);
    assert.deepEqual(body.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(body.stream, true);
  });

  test('messages.create: thinking with the encrypted reasoning as its signature, a tool use, and the second turn gives both back', async () => {
    upstream.reply = {
      output: [
        { type: 'reasoning', summary: ['Need the weather tool.'], encrypted: 'gAAAA-encrypted-1' },
        { type: 'function_call', callId: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ],
      usage: { input_tokens: 30, output_tokens: 10 },
    };
    const tools = [{ name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.parameters as Anthropic.Tool.InputSchema }];
    const first = await anthropic.messages.create({
      model: 'r1', max_tokens: 4000, system: 'Use tools.',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools, tool_choice: { type: 'tool', name: 'get_weather' },
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    const sent = upstream.last.body;
    assert.equal(sent.instructions, 'Use tools.');
    assert.deepEqual(sent.tool_choice, { type: 'function', name: 'get_weather' });
    assert.deepEqual(sent.reasoning, { effort: 'low', summary: 'auto' });
    assert.equal(sent.max_output_tokens, 4000);
    assert.equal(first.stop_reason, 'tool_use');
    assert.deepEqual(first.content, [
      { type: 'thinking', thinking: 'Need the weather tool.', signature: 'gAAAA-encrypted-1' },
      { type: 'tool_use', id: 'call_a1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    assert.equal(first.usage.input_tokens, 30);
    assert.equal(first.usage.output_tokens, 10);

    upstream.reply = { output: [{ type: 'message', text: 'Cold.' }], usage: { input_tokens: 50, output_tokens: 2 } };
    const second = await anthropic.messages.create({
      model: 'r1', max_tokens: 500, system: 'Use tools.', tools,
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_a1', content: [{ type: 'text', text: '-5 °C' }] }] },
      ],
    });
    assert.deepEqual(upstream.last.body.input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Oslo?' }] },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Need the weather tool.' }], encrypted_content: 'gAAAA-encrypted-1' },
      { type: 'function_call', call_id: 'call_a1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { type: 'function_call_output', call_id: 'call_a1', output: '-5 °C' },
    ]);
    assert.equal(second.content.length, 1);
    assert.equal((second.content[0] as Anthropic.TextBlock).text, 'Cold.');
    assert.equal(second.stop_reason, 'end_turn');
  });

  test('messages stream: text deltas, the final message and its usage', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Streaming to an Anthropic client.' }], usage: { input_tokens: 11, output_tokens: 7 }, chunkSize: 6 };
    const stream = anthropic.messages.stream({ model: 'r1', max_tokens: 64, messages: [{ role: 'user', content: 'Go' }] });
    let text = '';
    stream.on('text', (delta) => { text += delta; });
    const final = await stream.finalMessage();
    assert.equal(text, 'Streaming to an Anthropic client.');
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 7);
    // The stream's message_start needs the input count: asked of /responses/input_tokens beside the call (a 404 here: estimated).
    const paths = upstream.requests.slice(-2).map((r) => r.path).sort();
    assert.deepEqual(paths, ['/v1/responses', '/v1/responses/input_tokens']);
    assert.equal(upstream.requests.find((r) => r.path === '/v1/responses' && r.body.input !== undefined && JSON.stringify(r.body.input).includes('"Go"'))?.body.stream, true);
  });

  test('responses.create and responses.stream against the Responses upstream', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Hi from upstream.' }], usage: { input_tokens: 5, output_tokens: 4 } };
    const r = await openai.responses.create({ model: 'r1', instructions: 'Be kind.', input: 'Hello', max_output_tokens: 32, store: false });
    assert.equal(r.output_text, 'Hi from upstream.');
    assert.equal(r.status, 'completed');
    assert.equal(r.usage?.total_tokens, 9);
    assert.equal(upstream.last.body.instructions, 'Be kind.');
    // A Responses client's input goes as it wrote it (the lossless path: responses-lossless.test.ts).
    assert.equal(upstream.last.body.input, 'Hello');

    upstream.reply = {
      output: [{ type: 'function_call', callId: 'call_r1', name: 'get_weather', arguments: '{"city":"Rome"}' }],
      usage: { input_tokens: 8, output_tokens: 5 },
    };
    const stream = openai.responses.stream({ model: 'r1', input: 'Rome?', tools: [{ type: 'function', ...weatherTool, strict: true }] });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    const final = await stream.finalResponse();
    assert.equal(types.at(-1), 'response.completed');
    const call = final.output[0] as { type: string; call_id: string; name: string; arguments: string };
    assert.deepEqual([call.type, call.call_id, call.name, call.arguments], ['function_call', 'call_r1', 'get_weather', '{"city":"Rome"}']);
    // The client's strict tool stays strict.
    assert.equal((upstream.last.body.tools as Item[])[0]!.strict, true);
  });

  test('a Responses client gets the upstream\'s encrypted reasoning back to it on its next turn (sealed by Lingua in between)', async () => {
    upstream.reply = {
      output: [{ type: 'reasoning', summary: ['Plan.'], encrypted: 'gAAAA-encrypted-r' }, { type: 'message', text: 'Step one.' }],
      usage: { input_tokens: 10, output_tokens: 20, reasoning_tokens: 12 },
    };
    const first = await openai.responses.create({ model: 'r1', input: 'Go', store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium' } });
    const reasoning = first.output.find((i) => i.type === 'reasoning') as { encrypted_content?: string | null; summary: unknown[] } | undefined;
    assert.ok(reasoning?.encrypted_content, 'the reasoning item carries encrypted content');
    assert.equal(first.usage?.output_tokens_details.reasoning_tokens, 12);

    upstream.reply = { output: [{ type: 'message', text: 'Step two.' }], usage: { input_tokens: 30, output_tokens: 3 } };
    await openai.responses.create({
      model: 'r1', store: false, include: ['reasoning.encrypted_content'],
      input: [{ role: 'user', content: 'Go' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'Next' }],
    });
    const input = upstream.last.body.input as Item[];
    assert.deepEqual(input.find((i) => i.type === 'reasoning'), { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Plan.' }], encrypted_content: 'gAAAA-encrypted-r' });
    assert.deepEqual(input.map((i) => i.type ?? i.role), ['user', 'reasoning', 'message', 'user']);
  });

  test('each call\'s usage record holds the upstream\'s counts from response.completed', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Counted.' }], usage: { input_tokens: 123, output_tokens: 45, cached_tokens: 100, reasoning_tokens: 7 } };
    const stream = openai.responses.stream({ model: 'r1', input: 'count me' });
    for await (const _ of stream) { /* read to the end */ }
    const storage = server.lingua.platform.storage;
    await storage.ledger.flush();
    const { rows } = await storage.usage.requests({ limit: 100 });
    const record = rows.find((r) => r.inputTokens === 123);
    assert.ok(record, 'a record with the upstream\'s input count');
    assert.deepEqual([record.cachedInputTokens, record.outputTokens, record.reasoningTokens, record.provider, record.upstreamModel], [100, 45, 7, 'resp', 'gpt-up']);
  });

  test('an upstream that answers the stream with the whole response as JSON still serves both kinds of client', async (t) => {
    upstream.streaming = false;
    t.after(() => { upstream.streaming = true; });
    upstream.reply = {
      output: [{ type: 'message', text: 'Whole answer.' }, { type: 'function_call', callId: 'call_j1', name: 'get_weather', arguments: '{"city":"Bern"}' }],
      usage: { input_tokens: 4, output_tokens: 9 },
    };
    const whole = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: weatherTool }] });
    assert.equal(whole.choices[0]!.message.content, 'Whole answer.');
    assert.equal(whole.choices[0]!.message.tool_calls?.[0]?.id, 'call_j1');
    assert.equal(whole.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(whole.usage?.total_tokens, 13);
    const stream = anthropic.messages.stream({ model: 'r1', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content.map((b) => b.type), ['text', 'tool_use']);
  });

  test('messages.countTokens asks the upstream\'s /responses/input_tokens; without one, Lingua estimates', async (t) => {
    upstream.inputTokens = 321;
    t.after(() => { upstream.inputTokens = undefined; });
    const counted = await anthropic.messages.countTokens({ model: 'r1', system: 'Count.', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
    assert.equal(counted.input_tokens, 321);
    const sent = upstream.last;
    assert.equal(sent.path, '/v1/responses/input_tokens');
    assert.deepEqual(sent.body, { model: 'gpt-up', instructions: 'Count.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How many tokens is this?' }] }] });
    upstream.inputTokens = undefined;
    const estimated = await anthropic.messages.countTokens({ model: 'r1', messages: [{ role: 'user', content: 'How many tokens is this?' }] });
    assert.ok(estimated.input_tokens > 0 && estimated.input_tokens !== 321, `an estimate: ${estimated.input_tokens}`);
  });

  test('chat fields with a Responses form: text.format, a later system message as developer, user, parallel_tool_calls; vLLM-style reasoning_text', async () => {
    upstream.reply = { output: [{ type: 'reasoning', text: 'Raw chain of thought.' }, { type: 'message', text: '{"ok":true}' }], usage: { input_tokens: 3, output_tokens: 9 } };
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const r = await openai.chat.completions.create({
      model: 'r1',
      messages: [{ role: 'user', content: 'Answer in JSON.' }, { role: 'system', content: 'Only JSON.' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      tools: [{ type: 'function', function: weatherTool }],
      parallel_tool_calls: false,
      user: 'user-7',
    });
    const body = upstream.last.body;
    assert.deepEqual(body.text, { format: { type: 'json_schema', name: 'answer', schema, strict: true } });
    assert.deepEqual(body.input, [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Answer in JSON.' }] },
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Only JSON.' }] },
    ]);
    assert.equal(body.instructions, undefined);
    assert.equal(body.user, 'user-7');
    assert.equal(body.parallel_tool_calls, false);
    assert.equal(r.choices[0]!.message.content, '{"ok":true}');
    assert.equal((r.choices[0]!.message as { reasoning_content?: string }).reasoning_content, 'Raw chain of thought.');
  });

  test('an error event mid-stream (as vLLM sends) ends the stream with that error', async () => {
    upstream.reply = {
      output: [{ type: 'message', text: 'Half' }, { type: 'message', text: 'never' }],
      failAfter: { items: 1, code: 'server_error', message: 'Engine died.', as: 'error' },
    };
    const res = await postResponses(server, { model: 'r1', input: 'x', stream: true });
    const final = checkStream(sseEvents(res.text));
    assert.equal(final.status, 'failed');
    assert.match(final.error.message, /Engine died/);
  });

  test('a client that leaves mid-stream ends the upstream call', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'Still going' }], hang: true };
    const aborted = upstream.aborted;
    const controller = new AbortController();
    const stream = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }], stream: true }, { signal: controller.signal });
    let text = '';
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (text === 'Still going') {
        controller.abort();
        break;
      }
    }
    assert.equal(text, 'Still going');
    await until(() => upstream.aborted > aborted, 'the upstream request to be aborted');
  });

  test('a 429 from the upstream is a rate limit in the caller\'s shape', async (t) => {
    upstream.handler = (_req, res) => sendError(res, 429, 'Rate limit reached for gpt-up.', 'rate_limit_exceeded', 'requests');
    t.after(() => { upstream.handler = undefined; });
    await assert.rejects(openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.status, 429);
      return true;
    });
    await assert.rejects(anthropic.messages.create({ model: 'r1', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.RateLimitError);
      assert.equal((e.error as { error: { type: string } }).error.type, 'rate_limit_error');
      return true;
    });
  });

  test('a 400 context_length_exceeded keeps its code and status for each protocol', async (t) => {
    upstream.handler = (_req, res) => sendError(res, 400, "This model's maximum context length is 128000 tokens.", 'context_length_exceeded', 'invalid_request_error', 'input');
    t.after(() => { upstream.handler = undefined; });
    await assert.rejects(openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'long' }] }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.code, 'context_length_exceeded');
      assert.match(e.message, /maximum context length/);
      return true;
    });
    await assert.rejects(anthropic.messages.create({ model: 'r1', max_tokens: 10, messages: [{ role: 'user', content: 'long' }] }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.BadRequestError);
      assert.equal((e.error as { error: { type: string } }).error.type, 'invalid_request_error');
      return true;
    });
  });

  test('response.failed mid-stream ends each client\'s stream with an error after what came before', async () => {
    upstream.reply = {
      output: [{ type: 'message', text: 'Partial answer' }, { type: 'message', text: 'never sent' }],
      failAfter: { items: 1, code: 'server_error', message: 'The model crashed.' },
    };
    const stream = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    await assert.rejects(async () => { for await (const c of stream) text += c.choices[0]?.delta.content ?? ''; }, /The model crashed/);
    assert.equal(text, 'Partial answer');

    const res = await postResponses(server, { model: 'r1', input: 'x', stream: true });
    assert.equal(res.status, 200);
    const events = sseEvents(res.text);
    const final = checkStream(events);
    assert.equal(final.status, 'failed');
    assert.match(final.error.message, /The model crashed/);
    assert.equal(events.filter((e: Event) => e.type === 'response.output_text.delta').map((e: Event) => e.delta).join(''), 'Partial answer');

    const messages = anthropic.messages.stream({ model: 'r1', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    await assert.rejects(messages.finalMessage(), /The model crashed/);
  });

  test('response.failed before any output is the error\'s own status (a rate limit: 429)', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'never' }], failAfter: { items: 0, code: 'rate_limit_exceeded', message: 'Slow down.' } };
    const res = await postResponses(server, { model: 'r1', input: 'x', stream: true });
    assert.equal(res.status, 429, res.text);
    assert.equal(JSON.parse(res.text).error.code, 'rate_limit_exceeded');
    await assert.rejects(openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }] }), OpenAI.RateLimitError);
  });

  test('a parameter the Responses API has no field for is a 400 naming it under strict, and nothing goes upstream', async () => {
    const before = upstream.requests.length;
    await assert.rejects(openai.chat.completions.create({ model: 'r1-strict', messages: [{ role: 'user', content: 'x' }], seed: 7 }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.equal(e.param, 'seed');
      return true;
    });
    await assert.rejects(openai.chat.completions.create({ model: 'r1-strict', messages: [{ role: 'user', content: 'x' }], logit_bias: { '42': 5 } }), (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'logit_bias');
    assert.equal(upstream.requests.length, before);
  });

  test('under adapt (the default) it is dropped and told in x-lingua-adapted', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    const { response } = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }], seed: 7, logit_bias: { '42': 5 } }).withResponse();
    assert.equal(response.headers.get('x-lingua-adapted'), 'seed dropped; logit_bias dropped');
    assert.equal(upstream.last.body.seed, undefined);
    assert.equal(upstream.last.body.logit_bias, undefined);
  });

  test('a Chat client\'s OpenAI fields pass on; an Anthropic client\'s Anthropic-only field is refused by name', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'x' }], prompt_cache_key: 'conv-9', metadata: { team: 'a' } });
    assert.equal(upstream.last.body.prompt_cache_key, 'conv-9');
    assert.deepEqual(upstream.last.body.metadata, { team: 'a' });
    const before = upstream.requests.length;
    await assert.rejects(
      anthropic.messages.create({ model: 'r1', max_tokens: 10, messages: [{ role: 'user', content: 'x' }], mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'm' }] } as Anthropic.MessageCreateParamsNonStreaming),
      (e: unknown) => e instanceof Anthropic.BadRequestError && /mcp_servers/.test(e.message),
    );
    assert.equal(upstream.requests.length, before);
  });

  test('n = 2 is two upstream calls of one answer each, merged as two choices with the usage summed', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'One of two.' }], usage: { input_tokens: 6, output_tokens: 4 } };
    const before = upstream.requests.length;
    const r = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'twice' }], n: 2 });
    assert.deepEqual(r.choices.map((c) => [c.index, c.message.content]), [[0, 'One of two.'], [1, 'One of two.']]);
    assert.equal(r.usage?.completion_tokens, 8);
    const calls = upstream.requests.slice(before);
    assert.equal(calls.length, 2);
    for (const c of calls) assert.equal(c.body.n, undefined);
  });

  test('stop sequences are matched by Lingua (the Responses API takes none): the text is cut, Anthropic clients are told which', async () => {
    upstream.reply = { output: [{ type: 'message', text: 'one two END three' }], usage: { input_tokens: 5, output_tokens: 5 }, chunkSize: 3 };
    const chat = await openai.chat.completions.create({ model: 'r1', messages: [{ role: 'user', content: 'count' }], stop: ['END'] });
    assert.equal(chat.choices[0]!.message.content, 'one two ');
    assert.equal(chat.choices[0]!.finish_reason, 'stop');
    assert.equal(upstream.last.body.stop, undefined);
    const message = await anthropic.messages.create({ model: 'r1', max_tokens: 50, messages: [{ role: 'user', content: 'count' }], stop_sequences: ['END', 'two'] });
    assert.deepEqual([message.content, message.stop_reason, message.stop_sequence], [[{ type: 'text', text: 'one ' }], 'stop_sequence', 'two']);
  });
});
