import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { messagesFixture, postAnthropic, type MessagesFixture } from '../support/messages-fixture.js';
import { API_KEY } from '../support/openai-fixture.js';

const hello = { role: 'user' as const, content: 'Hello' };

describe('POST /v1/messages (non-streaming) over an OpenAI-compatible upstream', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture(); });
  after(() => f.close());

  test('text: the message shape, the public model name, end_turn and the upstream usage', async () => {
    f.upstream.reply = { choices: [{ text: 'Hi there.' }], usage: { prompt_tokens: 11, completion_tokens: 3 } };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, messages: [hello] });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = JSON.parse(res.text);
    assert.match(body.id, /^msg_[A-Za-z0-9]{24}$/);
    // The fields, in Anthropic's order.
    assert.deepEqual(Object.keys(body), ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
    assert.deepEqual({ ...body, id: 'x' }, {
      id: 'x',
      type: 'message',
      role: 'assistant',
      model: 'm1',
      content: [{ type: 'text', text: 'Hi there.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 11, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3 },
    });
    assert.equal(f.upstream.last.body.model, 'up-model');
    assert.equal(f.upstream.last.headers.authorization, 'Bearer upstream-secret-key');
  });

  test('the official SDK (Bearer key, a newer anthropic-version) gets the message', async () => {
    f.upstream.reply = { choices: [{ text: 'From the SDK.' }], usage: { prompt_tokens: 4, completion_tokens: 4 } };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 20, messages: [hello] });
    assert.equal(m.content[0]?.type, 'text');
    assert.equal(m.content[0]?.type === 'text' && m.content[0].text, 'From the SDK.');
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.usage.input_tokens, 4);
  });

  test('request fields reach the upstream: system, sampling, stop sequences, metadata.user_id, max_tokens', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    await f.client.messages.create({
      model: 'm1',
      max_tokens: 77,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        { role: 'assistant', content: 'I see.' },
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
      ],
      // @ts-expect-error the 1.x SDK types left out the sampling fields; the API still takes them
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END', '###'],
      metadata: { user_id: 'u-1' },
    });
    const body = f.upstream.last.body;
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      { role: 'assistant', content: 'I see.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
    ]);
    assert.equal(body.max_tokens, 77);
    assert.equal(body.temperature, 0.5);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.top_k, 40);
    assert.deepEqual(body.stop, ['END', '###']);
    assert.equal(body.user, 'u-1');
    for (const field of ['metadata', 'system', 'stop_sequences', 'thinking', 'anthropic_version']) assert.equal(body[field], undefined, field);
  });

  test('several tool calls → tool_use blocks with their ids and inputs, stop_reason tool_use; tools and tool_choice reach the upstream', async () => {
    f.upstream.reply = {
      choices: [{
        text: 'Checking both.',
        toolCalls: [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'get_time', arguments: '{"tz":"Europe/Paris","precise":true}' },
        ],
      }],
      usage: { prompt_tokens: 30, completion_tokens: 25 },
    };
    const m = await f.client.messages.create({
      model: 'm1',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: [
        { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: false },
    });
    assert.equal(m.stop_reason, 'tool_use');
    assert.deepEqual(m.content.map((b) => b.type), ['text', 'tool_use', 'tool_use']);
    const uses = m.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((b) => [b.id, b.name, b.input]), [
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_time', { tz: 'Europe/Paris', precise: true }],
    ]);
    const body = f.upstream.last.body;
    assert.deepEqual(body.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
    ]);
    assert.equal(body.tool_choice, 'required');
    assert.equal(body.parallel_tool_calls, true);
  });

  test('tool_choice tool / none / auto with disable_parallel_tool_use', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const } }];
    await f.client.messages.create({ model: 'm1', max_tokens: 5, messages: [hello], tools, tool_choice: { type: 'tool', name: 'lookup' } });
    assert.deepEqual(f.upstream.last.body.tool_choice, { type: 'function', function: { name: 'lookup' } });
    await f.client.messages.create({ model: 'm1', max_tokens: 5, messages: [hello], tools, tool_choice: { type: 'none' } });
    assert.equal(f.upstream.last.body.tool_choice, 'none');
    await f.client.messages.create({ model: 'm1', max_tokens: 5, messages: [hello], tools, tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    assert.equal(f.upstream.last.body.tool_choice, 'auto');
    assert.equal(f.upstream.last.body.parallel_tool_calls, false);
  });

  test('a backend that says "stop" after tool calls still ends in tool_use', async () => {
    f.upstream.reply = { choices: [{ toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }], finish: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 5, messages: [hello], tools: [{ name: 'f', input_schema: { type: 'object' } }] });
    assert.equal(m.stop_reason, 'tool_use');
    assert.deepEqual(m.content, [{ type: 'tool_use', id: 'call_1', name: 'f', input: {} }]);
  });

  test('tool results round trip: tool_use in the assistant turn, tool_result blocks in the user turn', async () => {
    f.upstream.reply = { choices: [{ text: 'It is sunny and 10:00.' }], usage: { prompt_tokens: 50, completion_tokens: 8 } };
    const m = await f.client.messages.create({
      model: 'm1',
      max_tokens: 100,
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }, { name: 'get_time', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'Weather and time?' },
        { role: 'assistant', content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'call_b', content: [{ type: 'text', text: '10:00' }], is_error: false },
          { type: 'text', text: 'Answer briefly.' },
        ] },
      ],
    });
    assert.equal(m.content[0]?.type === 'text' && m.content[0].text, 'It is sunny and 10:00.');
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'user', content: 'Weather and time?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ] },
      { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_b', content: '10:00' },
      { role: 'user', content: 'Answer briefly.' },
    ]);
  });

  test('reasoning → a thinking block before the text; budget_tokens reaches the upstream as reasoning_effort', async () => {
    f.upstream.reply = { choices: [{ reasoning: 'Two and two make four.', text: '4' }], usage: { prompt_tokens: 9, completion_tokens: 12 } };
    const m = await f.client.messages.create({
      model: 'm1',
      max_tokens: 20000,
      thinking: { type: 'enabled', budget_tokens: 16384 },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    assert.deepEqual(m.content, [{ type: 'thinking', thinking: 'Two and two make four.', signature: '' }, { type: 'text', text: '4' }]);
    assert.equal(f.upstream.last.body.reasoning_effort, 'high');
    await f.client.messages.create({ model: 'm1', max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [hello] });
    assert.equal(f.upstream.last.body.reasoning_effort, 'low');
    await f.client.messages.create({ model: 'm1', max_tokens: 5000, thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, messages: [hello] });
    assert.equal(f.upstream.last.body.reasoning_effort, 'medium');
    await f.client.messages.create({ model: 'm1', max_tokens: 5000, thinking: { type: 'disabled' }, messages: [hello] });
    assert.equal(f.upstream.last.body.reasoning_effort, undefined);
  });

  test('an earlier thinking block goes back upstream as reasoning_content', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    await f.client.messages.create({
      model: 'm1',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' }, { type: 'text', text: 'A1' }] },
        { role: 'user', content: 'Q2' },
      ],
    });
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1', reasoning_content: 'Hmm.' },
      { role: 'user', content: 'Q2' },
    ]);
  });

  test('stop sequence left at the end of the text by the backend: stop_sequence reported with its text, and taken out', async () => {
    f.upstream.reply = { choices: [{ text: 'one, two, three###' }], usage: { prompt_tokens: 5, completion_tokens: 6 } };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 50, stop_sequences: ['END', '###'], messages: [hello] });
    assert.equal(m.stop_reason, 'stop_sequence');
    assert.equal(m.stop_sequence, '###');
    assert.deepEqual(m.content, [{ type: 'text', text: 'one, two, three' }]);
  });

  test('stop sequence the backend names (vLLM stop_reason): reported, the text left as it is', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'x', object: 'chat.completion', created: 1, model: req.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'one, two' }, finish_reason: 'stop', stop_reason: 'END' }],
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      }));
    };
    try {
      const m = await f.client.messages.create({ model: 'm1', max_tokens: 50, stop_sequences: ['END'], messages: [hello] });
      assert.equal(m.stop_reason, 'stop_sequence');
      assert.equal(m.stop_sequence, 'END');
      assert.deepEqual(m.content, [{ type: 'text', text: 'one, two' }]);
    } finally { f.upstream.handler = undefined; }
  });

  test('a plain stop with stop sequences asked but none in the text is end_turn', async () => {
    f.upstream.reply = { choices: [{ text: 'one, two' }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 50, stop_sequences: ['END'], messages: [hello] });
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.stop_sequence, null);
  });

  test('max_tokens reached → stop_reason max_tokens', async () => {
    f.upstream.reply = { choices: [{ text: 'This is cut', finish: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 3, messages: [hello] });
    assert.equal(m.stop_reason, 'max_tokens');
    assert.equal(m.stop_sequence, null);
  });

  test('usage: cached prompt tokens are reported apart, as Anthropic does', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'x', object: 'chat.completion', created: 1, model: req.body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1000, completion_tokens: 7, total_tokens: 1007, prompt_tokens_details: { cached_tokens: 800 } },
      }));
    };
    try {
      const m = await f.client.messages.create({ model: 'm1', max_tokens: 50, messages: [hello] });
      assert.deepEqual(m.usage, { input_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 800, output_tokens: 7 });
    } finally { f.upstream.handler = undefined; }
  });

  test('no usage from the backend: Lingua estimates both counts (never 0 for a non-empty prompt)', async () => {
    f.upstream.reply = { choices: [{ text: 'Twelve chars' }] };
    const m = await f.client.messages.create({ model: 'm1', max_tokens: 50, messages: [{ role: 'user', content: 'Hello, world!' }] });
    // 3 + 4 per message + ⌈13/4⌉ = 11; output ⌈12/4⌉ = 3 (src/lib/estimate-tokens.ts).
    assert.equal(m.usage.input_tokens, 11);
    assert.equal(m.usage.output_tokens, 3);
  });

  test('auth: x-api-key and Authorization: Bearer both work; any anthropic-version, unknown anthropic-beta, a query string', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const body = { model: 'm1', max_tokens: 5, messages: [hello] };
    const viaKey = await postAnthropic(`${f.server.url}/v1/messages`, body);
    assert.equal(viaKey.status, 200);
    const viaBearer = await fetch(`${f.server.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(viaBearer.status, 200, 'no anthropic-version at all: 2023-06-01 assumed');
    const odd = await postAnthropic(`${f.server.url}/v1/messages?beta=true`, body, {
      'anthropic-version': '2031-01-01',
      'anthropic-beta': 'no-such-beta-2099-01-01,interleaved-thinking-2025-05-14',
    });
    assert.equal(odd.status, 200);
    assert.equal(JSON.parse(odd.text).type, 'message');
  });

  test('thinking blocks with signatures and redacted thinking come back into canonical reasoning unchanged', async () => {
    f.scripted.script = [{ type: 'text', choice: 0, text: 'ok' }, { type: 'finish', choice: 0, finish: { reason: 'stop' } }];
    await f.client.messages.create({
      model: 's1',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'Let me think.', signature: 'EqoBCkgIARABGAIiQL2U' },
          { type: 'redacted_thinking', data: 'ENCRYPTED==' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: 1 } },
        ] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'done', is_error: true }] },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
    });
    assert.deepEqual(f.scripted.last.request.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Q1' }] },
      { role: 'assistant', content: [
        { type: 'reasoning', text: 'Let me think.', signature: 'EqoBCkgIARABGAIiQL2U' },
        { type: 'reasoning', text: '', redacted: 'ENCRYPTED==' },
        { type: 'tool_call', id: 'toolu_1', name: 'f', arguments: '{"x":1}' },
      ] },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_1', content: 'done', isError: true }] },
    ]);
    assert.equal(f.scripted.last.model, 's-model');
  });
});
