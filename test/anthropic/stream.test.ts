import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { LinguaError } from '../../src/canonical/index.js';
import { anthropicFrames, assertWellFormed, messagesFixture, postAnthropic, type Frame, type MessagesFixture } from '../support/messages-fixture.js';
import { API_KEY } from '../support/openai-fixture.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

const hi = [{ role: 'user' as const, content: 'Hi' }];

const ofType = (frames: Frame[], event: string) => frames.filter((f) => f.event === event).map((f) => f.data);
const textOf = (frames: Frame[]) => ofType(frames, 'content_block_delta').filter((d) => d.delta.type === 'text_delta').map((d) => d.delta.text).join('');

describe('POST /v1/messages streaming', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture({ scripted: new ScriptedProvider('scripted', { count: 1234 }) }); });
  after(() => f.close());

  test('text: the stream, to the byte', async () => {
    f.upstream.reply = { choices: [{ text: 'Hello world!' }], usage: { prompt_tokens: 9, completion_tokens: 3 }, chunkSize: 4 };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, stream: true, messages: hi });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const id = /"id":"(msg_[A-Za-z0-9]{24})"/.exec(res.text)?.[1];
    assert.ok(id);
    // message_start's input tokens: the estimate (the upstream cannot count): 3 + 4 + ⌈2/4⌉ = 8.
    assert.equal(res.text, [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"${id}","type":"message","role":"assistant","model":"m1","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":8,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}\n\n`,
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hell"}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"o wo"}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"rld!"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      // The real usage replaces the estimate.
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join(''));
  });

  test('reasoning, text and several tool calls: thinking, text and tool_use blocks indexed 0…3, stop_reason tool_use', async () => {
    f.upstream.reply = {
      choices: [{
        reasoning: 'The user wants two lookups.',
        text: 'Looking up both.',
        toolCalls: [
          { id: 'call_w', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'call_t', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
        ],
      }],
      usage: { prompt_tokens: 40, completion_tokens: 30 },
      chunkSize: 5,
    };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 500, stream: true, messages: hi });
    const frames = anthropicFrames(res.text);
    assertWellFormed(frames);
    assert.deepEqual(ofType(frames, 'content_block_start').map((d) => [d.index, d.content_block]), [
      [0, { type: 'thinking', thinking: '', signature: '' }],
      [1, { type: 'text', text: '' }],
      [2, { type: 'tool_use', id: 'call_w', name: 'get_weather', input: {} }],
      [3, { type: 'tool_use', id: 'call_t', name: 'get_time', input: {} }],
    ]);
    const deltas = ofType(frames, 'content_block_delta');
    const joined = (index: number, field: string) => deltas.filter((d) => d.index === index).map((d) => d.delta[field]).join('');
    assert.equal(joined(0, 'thinking'), 'The user wants two lookups.');
    assert.equal(joined(1, 'text'), 'Looking up both.');
    assert.equal(joined(2, 'partial_json'), '{"city":"Paris","unit":"celsius"}');
    assert.equal(joined(3, 'partial_json'), '{"tz":"Europe/Paris"}');
    assert.ok(deltas.filter((d) => d.index === 2).length > 1, 'arguments stream in fragments');
    assert.deepEqual(ofType(frames, 'message_delta')[0].delta, { stop_reason: 'tool_use', stop_sequence: null });
  });

  test('the SDK: messages.stream() and finalMessage() rebuild the whole message', async () => {
    f.upstream.reply = {
      choices: [{ reasoning: 'Hmm.', text: 'Calling.', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"lingua"}' }, { id: 'call_2', name: 'lookup', arguments: '{"q":"gateway"}' }] }],
      usage: { prompt_tokens: 12, completion_tokens: 20 },
      chunkSize: 3,
    };
    const texts: string[] = [];
    const stream = f.client.messages.stream({ model: 'm1', max_tokens: 100, messages: hi, tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
    stream.on('text', (t) => texts.push(t));
    const m = await stream.finalMessage();
    assert.equal(texts.join(''), 'Calling.');
    assert.equal(m.model, 'm1');
    assert.equal(m.stop_reason, 'tool_use');
    assert.deepEqual(m.content, [
      { type: 'thinking', thinking: 'Hmm.', signature: '' },
      { type: 'text', text: 'Calling.' },
      { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'lingua' } },
      { type: 'tool_use', id: 'call_2', name: 'lookup', input: { q: 'gateway' } },
    ]);
    assert.equal(m.usage.input_tokens, 12);
    assert.equal(m.usage.output_tokens, 20);
  });

  test('usage reported cumulatively on every upstream chunk is taken once, not summed', async () => {
    f.upstream.reply = { choices: [{ text: 'a fairly long answer in many chunks' }], usage: { prompt_tokens: 20, completion_tokens: 5 }, cumulativeUsage: true, chunkSize: 2 };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, stream: true, messages: hi });
    const frames = anthropicFrames(res.text);
    assertWellFormed(frames);
    assert.deepEqual(ofType(frames, 'message_delta')[0].usage, { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 });
    const m = await f.client.messages.stream({ model: 'm1', max_tokens: 50, messages: hi }).finalMessage();
    assert.equal(m.usage.input_tokens, 20);
    assert.equal(m.usage.output_tokens, 5);
  });

  test('message_start carries the provider\'s own count when it has one; message_delta the final usage', async () => {
    f.scripted.script = [
      { type: 'text', choice: 0, text: 'Counted.' },
      { type: 'finish', choice: 0, finish: { reason: 'stop' } },
      { type: 'usage', usage: { inputTokens: 1240, outputTokens: 2 } },
    ];
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 's1', max_tokens: 50, stream: true, messages: hi });
    const frames = anthropicFrames(res.text);
    assertWellFormed(frames);
    assert.equal(frames[0]!.data.message.usage.input_tokens, 1234);
    assert.equal(ofType(frames, 'message_delta')[0].usage.input_tokens, 1240);
    assert.equal(f.scripted.counted.at(-1)?.model, 's-model');
    const m = await f.client.messages.stream({ model: 's1', max_tokens: 50, messages: hi }).finalMessage();
    assert.equal(m.usage.input_tokens, 1240, 'finalMessage takes message_delta\'s figure');
  });

  test('a backend without usage: message_delta keeps the input count and estimates the output', async () => {
    f.scripted.script = [
      { type: 'text', choice: 0, text: 'Sixteen chars!!!' },
      { type: 'finish', choice: 0, finish: { reason: 'stop' } },
    ];
    const frames = anthropicFrames((await postAnthropic(`${f.server.url}/v1/messages`, { model: 's1', max_tokens: 50, stream: true, messages: hi })).text);
    assert.deepEqual(ofType(frames, 'message_delta')[0].usage, { input_tokens: 1234, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 });
  });

  test('reasoning signatures and redacted reasoning: signature_delta closes the thinking block; redacted_thinking is whole at its start', async () => {
    f.scripted.script = [
      { type: 'reasoning', choice: 0, text: 'Step one. ' },
      { type: 'reasoning', choice: 0, text: 'Step two.' },
      { type: 'reasoning_signature', choice: 0, signature: 'EqoBCkgIARABGAIiQL2U' },
      { type: 'reasoning_redacted', choice: 0, data: 'ENCRYPTED==' },
      { type: 'text', choice: 0, text: 'Done.' },
      { type: 'finish', choice: 0, finish: { reason: 'stop' } },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 7 } },
    ];
    const frames = anthropicFrames((await postAnthropic(`${f.server.url}/v1/messages`, { model: 's1', max_tokens: 50, stream: true, messages: hi })).text);
    assertWellFormed(frames);
    assert.deepEqual(frames.slice(1, -2).map((x) => x.data), [
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Step one. ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Step two.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqoBCkgIARABGAIiQL2U' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'ENCRYPTED==' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Done.' } },
      { type: 'content_block_stop', index: 2 },
    ]);
    const expected = [
      { type: 'thinking', thinking: 'Step one. Step two.', signature: 'EqoBCkgIARABGAIiQL2U' },
      { type: 'redacted_thinking', data: 'ENCRYPTED==' },
      { type: 'text', text: 'Done.' },
    ];
    assert.deepEqual((await f.client.messages.stream({ model: 's1', max_tokens: 50, messages: hi }).finalMessage()).content, expected);
    // The same events, not streamed, give the same blocks.
    assert.deepEqual((await f.client.messages.create({ model: 's1', max_tokens: 50, messages: hi })).content, expected);
  });

  test('stop sequence left in the streamed text: held back, taken out, reported in message_delta', async () => {
    f.upstream.reply = { choices: [{ text: 'The ENd is near END' }], usage: { prompt_tokens: 5, completion_tokens: 6 }, chunkSize: 2 };
    const frames = anthropicFrames((await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, stream: true, stop_sequences: ['END'], messages: hi })).text);
    assertWellFormed(frames);
    assert.equal(textOf(frames), 'The ENd is near ', 'a prefix that did not become the sequence is sent');
    assert.deepEqual(ofType(frames, 'message_delta')[0].delta, { stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  test('max_tokens reached: message_delta says max_tokens', async () => {
    f.upstream.reply = { choices: [{ text: 'cut sh', finish: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 2 } };
    const frames = anthropicFrames((await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 2, stream: true, messages: hi })).text);
    assertWellFormed(frames);
    assert.deepEqual(ofType(frames, 'message_delta')[0].delta, { stop_reason: 'max_tokens', stop_sequence: null });
  });

  test('a backend failing mid-stream: an error event ends the stream; the SDK raises it', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      res.write(chunk({ content: 'partial ' }));
      res.end(`data: ${JSON.stringify({ error: { message: 'engine crashed' } })}\n\n`);
    };
    try {
      const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, stream: true, messages: hi });
      assert.equal(res.status, 200);
      const frames = anthropicFrames(res.text);
      assert.deepEqual(frames.map((x) => x.event), ['message_start', 'content_block_start', 'content_block_delta', 'error']);
      assert.equal(frames[3]!.data.error.type, 'api_error');
      assert.match(frames[3]!.data.error.message, /engine crashed/);
      await assert.rejects(
        f.client.messages.stream({ model: 'm1', max_tokens: 50, messages: hi }).finalMessage(),
        (e: unknown) => e instanceof Anthropic.APIError && /engine crashed/.test(e.message),
      );
    } finally { f.upstream.handler = undefined; }
  });

  test('a failure before the first event is a plain HTTP error in Anthropic\'s shape', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }); res.end('{"error":{"message":"slow down"}}'); };
    try {
      const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 50, stream: true, messages: hi });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.deepEqual(JSON.parse(res.text), { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
    } finally { f.upstream.handler = undefined; }
  });

  test('tool-call arguments interleaved by the backend cannot be Anthropic blocks: an error event, never merged arguments', async () => {
    f.scripted.script = [
      { type: 'tool_call_start', choice: 0, index: 0, id: 'call_1', name: 'a' },
      { type: 'tool_call_start', choice: 0, index: 1, id: 'call_2', name: 'b' },
      { type: 'tool_call_delta', choice: 0, index: 0, arguments: '{}' },
      { type: 'finish', choice: 0, finish: { reason: 'tool_calls' } },
    ];
    const frames = anthropicFrames((await postAnthropic(`${f.server.url}/v1/messages`, { model: 's1', max_tokens: 50, stream: true, messages: hi })).text);
    assert.equal(frames.at(-1)!.event, 'error');
    assert.equal(ofType(frames, 'message_stop').length, 0);
  });

  for (const [name, count] of [['fails', new LinguaError('upstream', 'count endpoint down')], ['never answers', 'never']] as const) {
    test(`a provider whose count ${name}: message_start falls back to the estimate`, { timeout: 15_000 }, async () => {
      const failing = await messagesFixture({ scripted: new ScriptedProvider('scripted', { count }) });
      try {
        failing.scripted.script = [{ type: 'text', choice: 0, text: 'ok' }, { type: 'finish', choice: 0, finish: { reason: 'stop' } }];
        const frames = anthropicFrames((await postAnthropic(`${failing.server.url}/v1/messages`, { model: 's1', max_tokens: 50, stream: true, messages: hi })).text);
        assertWellFormed(frames);
        assert.equal(frames[0]!.data.message.usage.input_tokens, 8);
      } finally { await failing.close(); }
    });
  }
});

describe('POST /v1/messages streaming: ping while the backend is silent', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture({ server: { heartbeat_s: 0.05 } }); });
  after(() => f.close());

  test('event: ping frames keep the stream alive until the backend speaks', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    // The backend says nothing until the client has seen a ping.
    f.scripted.script = [{ wait: gate }, { type: 'text', choice: 0, text: 'Finally.' }, { type: 'finish', choice: 0, finish: { reason: 'stop' } }];
    const res = await fetch(`${f.server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 's1', max_tokens: 50, stream: true, messages: hi }),
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.includes('event: ping\n')) open();
    }
    const frames = anthropicFrames(text);
    assertWellFormed(frames);
    assert.equal(frames[0]!.event, 'message_start');
    assert.equal(frames[1]!.event, 'ping');
    assert.deepEqual(frames[1]!.data, { type: 'ping' });
    assert.equal(textOf(frames), 'Finally.');
  });
});
