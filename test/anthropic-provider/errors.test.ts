import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { sendError } from '../support/fake-anthropic.js';
import { postRaw, sseData } from '../support/openai-fixture.js';
import { until } from '../support/until.js';

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('Anthropic upstream failures, as OpenAI clients see them', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture({ provider: { timeout_s: 0.5, stream_idle_timeout_s: 0.5 } }); });
  after(() => f.close());

  // First in the suite: run after the timeout tests, a client abort leaves two
  // keep-alive connections that hold the server's close for about 4 s (undici's
  // keep-alive); the same happens with the OpenAI provider.
  test('a client that aborts mid-stream aborts the upstream request', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'x'.repeat(400) }], usage: { input_tokens: 1, output_tokens: 100 }, chunkSize: 1, delayMs: 2 };
    const abortedBefore = f.upstream.aborted;
    const controller = new AbortController();
    const stream = await f.client.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content?.length ?? 0;
        if (received >= 10) controller.abort();
      }
    } catch { /* the SDK may end the loop or throw on abort */ }
    assert.ok(received < 400, 'the stream stopped early');
    await until(() => f.upstream.aborted > abortedBefore, 'the upstream to see the abort');
  });

  const statuses: Array<[number, string, string, number, string]> = [
    [400, 'invalid_request_error', 'messages.0.content: Field required', 400, 'invalid_request_error'],
    // The upstream refused this server's key, not the client's: a 502 that says so.
    [401, 'authentication_error', 'invalid x-api-key', 502, 'upstream_error'],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.', 502, 'upstream_error'],
    [500, 'api_error', 'Internal server error', 502, 'upstream_error'],
    [529, 'overloaded_error', 'Overloaded', 529, 'server_error'],
  ];
  for (const [status, type, message, expected, expectedType] of statuses) {
    test(`upstream ${status} ${type} → ${expected} with the upstream's message, streamed or not`, async () => {
      f.upstream.handler = (_req, res) => sendError(res, status, type, message);
      try {
        for (const stream of [false, true]) {
          const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream });
          assert.equal(res.status, expected);
          const body = JSON.parse(res.text) as { error: { message: string; type: string } };
          assert.ok(body.error.message.includes(message), body.error.message);
          assert.equal(body.error.type, expectedType);
          assert.ok(!res.text.includes('anthropic-secret-key'));
        }
      } finally { f.upstream.handler = undefined; }
    });
  }

  test('an upstream message that echoes the upstream key is relayed with the key redacted, streamed or not', async () => {
    f.upstream.handler = (req, res) => sendError(res, 400, 'invalid_request_error', `bad request with key ${String(req.headers['x-api-key'])}`);
    try {
      for (const stream of [false, true]) {
        const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream });
        assert.equal(res.status, 400);
        assert.ok(!res.text.includes('anthropic-secret-key'), res.text);
        assert.match(JSON.parse(res.text).error.message, /bad request with key \[redacted\]/);
      }
    } finally { f.upstream.handler = undefined; }
  });

  test('upstream 429 keeps its status and retry-after', async () => {
    f.upstream.handler = (_req, res) => sendError(res, 429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '17' });
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '17');
      assert.match(JSON.parse(res.text).error.message, /per-minute rate limit/);
    } finally { f.upstream.handler = undefined; }
  });

  test('a non-streaming upstream slower than timeout_s → 504', async () => {
    f.upstream.handler = () => { /* never answers */ };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
      assert.equal(res.status, 504);
      assert.equal(JSON.parse(res.text).error.type, 'timeout_error');
    } finally { f.upstream.handler = undefined; }
  });

  test('an error event mid-stream ends the OpenAI stream with an error frame, no [DONE]', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'partial answer here' }], usage: { input_tokens: 3, output_tokens: 9 }, chunkSize: 4, errorAfter: { deltas: 2, type: 'overloaded_error', message: 'Overloaded' } };
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
    assert.equal(res.status, 200);
    const frames = sseData(res.text).map((d) => JSON.parse(d));
    assert.equal(frames.slice(1, 3).map((c) => c.choices[0].delta.content).join(''), 'partial ');
    const last = frames.at(-1);
    assert.match(last.error.message, /overloaded_error: Overloaded/);
    assert.ok(!res.text.includes('[DONE]'));
  });

  test('an error event before any content gets its own HTTP status (529 overloaded)', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'never' }], usage: { input_tokens: 3, output_tokens: 9 }, errorAfter: { deltas: 0, type: 'overloaded_error', message: 'Overloaded' } };
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
    assert.equal(res.status, 529);
    assert.match(JSON.parse(res.text).error.message, /Overloaded/);
  });

  test('a streaming upstream that goes silent mid-stream → a timeout error frame', async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}\n\n');
      res.write('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n');
      res.write('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"half"}}\n\n');
      // then silence, longer than stream_idle_timeout_s
    };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      const frames = sseData(res.text).map((d) => JSON.parse(d));
      assert.equal(frames[1].choices[0].delta.content, 'half');
      assert.equal(frames.at(-1).error.type, 'timeout_error');
    } finally { f.upstream.handler = undefined; }
  });

  test('a delta for a block that was never started, or a stream cut before message_delta, is an error', async () => {
    const bodies = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"orphan"}}\n\n',
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cut"}}\n\n',
    ];
    for (const [i, body] of bodies.entries()) {
      f.upstream.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.end(body); };
      try {
        const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
        if (i === 0) {
          // Nothing was sent yet: the failure gets its own status.
          assert.equal(res.status, 502);
          assert.match(JSON.parse(res.text).error.message, /content block 0, which was never started/);
        } else {
          const frames = sseData(res.text);
          assert.equal(JSON.parse(frames[1]!).choices[0].delta.content, 'cut');
          assert.match(JSON.parse(frames.at(-1)!).error.message, /ended the stream before the message finished/);
          assert.ok(!res.text.includes('[DONE]'));
        }
      } finally { f.upstream.handler = undefined; }
    }
  });

  test('parameters Anthropic lacks are dropped and told under the default policy (strict 400s: test/translation/adapt-policy.test.ts); neutral values pass unsaid', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    const adapted: Array<[Record<string, unknown>, string]> = [
      // `n` > 1 is served by n calls (test/router/fan-out.test.ts).
      [{ seed: 7 }, 'seed dropped'], [{ presence_penalty: 0.5 }, 'presence_penalty dropped'],
      [{ frequency_penalty: 1 }, 'frequency_penalty dropped'], [{ logit_bias: { '42': 5 } }, 'logit_bias dropped'], [{ temperature: 1.5 }, 'temperature 1.5->1'],
    ];
    for (const [fields, told] of adapted) {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, ...fields });
      assert.equal(res.status, 200, told);
      assert.equal(res.headers.get('x-lingua-adapted'), told);
    }
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, n: 1, presence_penalty: 0, frequency_penalty: 0, logit_bias: {} });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-lingua-adapted'), null);
  });

});

describe('unreachable Anthropic upstream', () => {
  test('connection refused → 502 naming the provider', async () => {
    const f = await anthropicFixture();
    const { url } = f.server;
    await f.upstream.close();
    try {
      const res = await postRaw(`${url}/v1/chat/completions`, ask);
      assert.equal(res.status, 502);
      assert.match(JSON.parse(res.text).error.message, /could not reach upstream provider 'anth'/);
    } finally { await f.server.close(); }
  });
});
