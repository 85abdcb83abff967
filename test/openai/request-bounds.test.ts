import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
const hi = [{ role: 'user', content: 'hi' }];
const ask = (extra: Record<string, unknown>) => ({ model: 'm1', messages: hi, ...extra });

/**
 * Bodies over the request bounds (src/protocols/openai/request-schema.ts,
 * `openAIBounds`), each with the param the 400 must name and a piece of its
 * message. Several used to be accepted (a 5 MB stop string, 129 tools,
 * 2,000 logit_bias entries) or took seconds to refuse (200,000 bad messages).
 */
const oversized: Array<{ name: string; body: Record<string, unknown>; param: string; message: RegExp }> = [
  { name: '200,000 stop strings', body: ask({ stop: many(200_000, (i) => `s${i}`) }), param: 'stop', message: /array too long.*maximum length 4/ },
  { name: 'a 5 MB stop string', body: ask({ stop: 'x'.repeat(5 << 20) }), param: 'stop', message: /string too long.*1024/ },
  { name: 'a 1,025-character stop string in a list', body: ask({ stop: ['END', 'y'.repeat(1_025)] }), param: 'stop[1]', message: /string too long/ },
  { name: '129 tools', body: ask({ tools: many(129, (i) => ({ type: 'function', function: { name: `f${i}` } })) }), param: 'tools', message: /maximum length 128/ },
  { name: '2,000 logit_bias entries', body: ask({ logit_bias: Object.fromEntries(many(2_000, (i) => [String(i), 1])) }), param: 'logit_bias', message: /at most 1024 properties/ },
  { name: '17 metadata pairs', body: ask({ metadata: Object.fromEntries(many(17, (i) => [`k${i}`, 'v'])) }), param: 'metadata', message: /at most 16 properties/ },
  { name: 'a 513-character metadata value', body: ask({ metadata: { k: 'v'.repeat(513) } }), param: 'metadata.k', message: /string too long.*512/ },
  { name: '100,001 messages', body: { model: 'm1', messages: many(100_001, () => ({ role: 'user', content: 'x' })) }, param: 'messages', message: /maximum length 100000/ },
  { name: '200,000 invalid messages', body: { model: 'm1', messages: many(200_000, () => ({ role: 'user', content: 1 })) }, param: 'messages', message: /array too long/ },
  { name: '10,001 content parts', body: { model: 'm1', messages: [{ role: 'user', content: many(10_001, () => ({ type: 'text', text: 'x' })) }] }, param: 'messages[0].content', message: /maximum length 10000/ },
  { name: 'a 257-character model', body: { model: 'm'.repeat(257), messages: hi }, param: 'model', message: /string too long.*256/ },
];

describe('request bounds, OpenAI Chat Completions and the envelope', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f.close());

  for (const c of oversized) {
    test(`${c.name}: a 400 naming '${c.param}', and the server still answers`, async () => {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, c.body);
      assert.equal(res.status, 400, res.text.slice(0, 300));
      const { error } = JSON.parse(res.text) as { error: { message: string; type: string; param: string; code: string } };
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, c.param);
      assert.match(error.message, c.message);
      assert.equal(f.upstream.requests.length, 0, 'nothing reached the upstream');
      const ok = await postRaw(`${f.server.url}/v1/chat/completions`, ask({}));
      assert.equal(ok.status, 200);
      f.upstream.requests.length = 0;
    });
  }

  test('the envelope refuses the same bodies in its own shape', async () => {
    for (const c of [oversized[0]!, oversized[1]!, oversized[4]!]) {
      const res = await postRaw(`${f.server.url}/api/v1/chat/completions`, c.body);
      assert.equal(res.status, 400);
      const body = JSON.parse(res.text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['code', 'data', 'message', 'success']);
      assert.equal(body.success, false);
      assert.equal(body.code, '400');
      assert.equal(body.data, null);
      assert.match(String(body.message), c.message);
    }
    assert.equal((await postRaw(`${f.server.url}/api/v1/chat/completions`, ask({}))).status, 200);
  });

  test('at the bounds, a body is served', async () => {
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask({
      stop: ['a', 'b', 'c', 'y'.repeat(1_024)],
      tools: many(128, (i) => ({ type: 'function', function: { name: `f${i}` } })),
      logit_bias: Object.fromEntries(many(1_024, (i) => [String(i), 1])),
      metadata: Object.fromEntries(many(16, (i) => [`k${i}`.padEnd(64, 'k'), 'v'.repeat(512)])),
    }));
    assert.equal(res.status, 200, res.text);
    assert.equal(f.upstream.last.body.tools instanceof Array && f.upstream.last.body.tools.length, 128);
    assert.equal(Object.keys(f.upstream.last.body.metadata as object).length, 16, 'metadata is passed through');
  });
});
