import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { messagesFixture, postAnthropic, type MessagesFixture } from '../support/messages-fixture.js';

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
const hi = [{ role: 'user', content: 'hi' }];
const ask = (extra: Record<string, unknown>) => ({ model: 'm1', max_tokens: 16, messages: hi, ...extra });

/** An Anthropic error body: its type and message (and nothing else at the top). */
function anthropicError(text: string): { type: string; message: string } {
  const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error', text);
  return body.error;
}

/**
 * Bodies over the request bounds (src/protocols/anthropic/request-schema.ts,
 * `anthropicBounds`) and the message of their 400. 200,000 stop sequences
 * used to be a 500 after the upstream had answered, 200,000 bad blocks a
 * 500 from validation; a 5 MB stop sequence was accepted.
 */
const oversized: Array<{ name: string; body: Record<string, unknown>; message: string }> = [
  { name: '200,000 stop sequences', body: ask({ stop_sequences: many(200_000, (i) => `s${i}`) }), message: 'stop_sequences: List should have at most 64 items' },
  { name: 'a 5 MB stop sequence', body: ask({ stop_sequences: ['x'.repeat(5 << 20)] }), message: 'stop_sequences.0: String should have at most 1024 characters' },
  { name: '200,000 invalid blocks', body: ask({ messages: [{ role: 'user', content: many(200_000, () => ({ type: 'text', text: 1 })) }] }), message: 'messages.0.content: List should have at most 10000 items' },
  { name: '10,001 system blocks', body: ask({ system: many(10_001, () => ({ type: 'text', text: 's' })) }), message: 'system: List should have at most 10000 items' },
  { name: '1,001 tools', body: ask({ tools: many(1_001, (i) => ({ name: `f${i}`, input_schema: { type: 'object' } })) }), message: 'tools: List should have at most 1000 items' },
  { name: '100,001 messages', body: ask({ messages: many(100_001, () => ({ role: 'user', content: 'x' })) }), message: 'messages: List should have at most 100000 items' },
  { name: 'a 257-character model', body: ask({ model: 'm'.repeat(257) }), message: 'model: String should have at most 256 characters' },
];

describe('request bounds, Anthropic Messages and count_tokens', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture(); });
  after(() => f.close());

  for (const c of oversized) {
    test(`${c.name}: a 400 on /v1/messages and on count_tokens, and the server still answers`, async () => {
      for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
        const res = await postAnthropic(`${f.server.url}${path}`, c.body);
        assert.equal(res.status, 400, `${path}: ${res.text.slice(0, 300)}`);
        assert.deepEqual(anthropicError(res.text), { type: 'invalid_request_error', message: c.message }, path);
      }
      assert.equal(f.upstream.requests.length, 0, 'nothing reached the upstream');
      assert.equal((await postAnthropic(`${f.server.url}/v1/messages`, ask({}))).status, 200);
      f.upstream.requests.length = 0;
    });
  }

  test('the most stop sequences, each of the longest, stream and end with the one found', async () => {
    const stops = many(64, (i) => `${String(i).padStart(2, '0')}${'z'.repeat(1_022)}`);
    f.upstream.reply = { choices: [{ text: `Hello ${stops[7]}` }], usage: { prompt_tokens: 3, completion_tokens: 4 } };
    try {
      for (const stream of [false, true]) {
        const res = await postAnthropic(`${f.server.url}/v1/messages`, ask({ stop_sequences: stops, stream }));
        assert.equal(res.status, 200, res.text.slice(0, 300));
        if (!stream) {
          const body = JSON.parse(res.text) as { content: Array<{ text: string }>; stop_sequence: string };
          assert.equal(body.content[0]!.text, 'Hello ');
          assert.equal(body.stop_sequence, stops[7]);
        } else {
          assert.ok(res.text.includes(`"stop_sequence":"${stops[7]}"`), 'the stop sequence is reported at the end');
        }
      }
    } finally {
      f.upstream.reply = { choices: [{ text: 'Hello from the fake upstream.' }], usage: { prompt_tokens: 7, completion_tokens: 6 } };
    }
  });
});

describe('count_tokens refuses what /v1/messages refuses', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture(); });
  after(() => f.close());

  // The cases of issue 10, item 8, and their neighbours.
  const invalid: Array<Record<string, unknown>> = [
    { temperature: 'abc' },
    { max_tokens: 'x' },
    { stop_sequences: [1, 2] },
    { top_k: {} },
    { top_p: 2 },
    { stream: 'yes' },
    { metadata: { user_id: 5 } },
    { thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 1024 },
  ];
  for (const fields of invalid) {
    test(`${JSON.stringify(fields)}: the same 400 on both`, async () => {
      const body = ask(fields);
      const messages = await postAnthropic(`${f.server.url}/v1/messages`, body);
      const count = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, body);
      assert.equal(messages.status, 400, messages.text);
      assert.equal(count.status, 400, count.text);
      assert.deepEqual(anthropicError(count.text), anthropicError(messages.text));
      assert.equal(anthropicError(count.text).type, 'invalid_request_error');
    });
  }

  test('the fields Messages and count_tokens share, and a valid Messages body, still count', async () => {
    for (const body of [
      { model: 'm1', messages: hi },
      { model: 'm1', messages: hi, system: 'be brief', tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'auto' } },
      ask({ temperature: 0.5, top_k: 5, top_p: 0.9, stop_sequences: ['END'], stream: true, metadata: { user_id: 'u' } }),
    ]) {
      const res = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, body);
      assert.equal(res.status, 200, res.text);
      assert.equal(typeof (JSON.parse(res.text) as { input_tokens: unknown }).input_tokens, 'number');
    }
  });
});
