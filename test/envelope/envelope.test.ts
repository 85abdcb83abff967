import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY, openAIFixture, postRaw, sseData, type OpenAIFixture } from '../support/openai-fixture.js';

const ask = { model: 'm1', messages: [{ role: 'user', content: 'Hello!' }] };

describe('POST /api/v1/chat/completions (seed 002 envelope)', () => {
  let f: OpenAIFixture;
  let url: string;
  before(async () => {
    f = await openAIFixture({ server: { body_limit_mb: 0.01 } });
    url = `${f.server.url}/api/v1/chat/completions`;
  });
  after(() => f.close());

  test('success: {success, code "200", message "successful", data: <chat.completion>}', async () => {
    f.upstream.reply = { choices: [{ text: 'Hello there! How can I assist you today?' }], usage: { prompt_tokens: 9, completion_tokens: 12 } };
    const res = await postRaw(url, { ...ask, max_tokens: 2048, temperature: 1.0, user: 'user-123' });
    assert.equal(res.status, 200);
    const body = JSON.parse(res.text);
    assert.deepEqual(Object.keys(body), ['success', 'code', 'message', 'data']);
    assert.equal(body.success, true);
    assert.equal(body.code, '200');
    assert.equal(body.message, 'successful');
    assert.match(body.data.id, /^chatcmpl-/);
    assert.deepEqual({ ...body.data, id: 'x', created: 0 }, {
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there! How can I assist you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
    });
    // The same request as /v1/chat/completions reaches the upstream.
    assert.equal(f.upstream.last.body.max_tokens, 2048);
    assert.equal(f.upstream.last.body.user, 'user-123');
  });

  test('the body is JSON whatever the content type says (Content-Type is optional)', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const contentTypes: Array<string | undefined> = [undefined, 'text/plain', 'application/x-www-form-urlencoded'];
    for (const contentType of contentTypes) {
      const res = await postWithoutDefaults(url, JSON.stringify(ask), { authorization: `Bearer ${API_KEY}`, ...(contentType === undefined ? {} : { 'content-type': contentType }) });
      assert.equal(res.status, 200, `content-type ${contentType}`);
      assert.equal(JSON.parse(res.text).success, true);
    }
  });

  const failures: Array<[string, () => Promise<{ status: number; text: string }>, number, RegExp]> = [
    ['no key', () => postRaw(url, ask, { authorization: '' }), 401, /API key/],
    ['a wrong key', () => postRaw(url, ask, { authorization: 'Bearer sk-wrong-00000000' }), 401, /Incorrect API key/],
    ['an invalid field', () => postRaw(url, { ...ask, temperature: 3 }), 400, /temperature/],
    ['malformed JSON', () => postRaw(url, '{"model":'), 400, /JSON/],
    ['an unknown model', () => postRaw(url, { ...ask, model: 'nope' }), 404, /nope/],
    ['a body over the limit', () => postRaw(url, { ...ask, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }), 413, /too large/],
  ];
  for (const [name, send, status, message] of failures) {
    test(`failure (${name}): {success: false, code: "${status}", message, data: null} with HTTP ${status}`, async () => {
      const res = await send();
      assert.equal(res.status, status);
      const body = JSON.parse(res.text);
      assert.deepEqual(Object.keys(body), ['success', 'code', 'message', 'data']);
      assert.equal(body.success, false);
      assert.equal(body.code, String(status));
      assert.match(body.message, message);
      assert.equal(body.data, null);
    });
  }

  test('failure from the upstream: its status in the envelope, retry-after kept', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '5' }); res.end('{"error":{"message":"slow down"}}'); };
    try {
      const res = await postRaw(url, ask);
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.deepEqual(JSON.parse(res.text), { success: false, code: '429', message: 'slow down', data: null });
      const early = await postRaw(url, { ...ask, stream: true });
      assert.equal(early.status, 429, 'a stream that fails before its first event fails in the envelope too');
      assert.deepEqual(JSON.parse(early.text), { success: false, code: '429', message: 'slow down', data: null });
    } finally { f.upstream.handler = undefined; }
  });

  test('an unknown path under /api/v1 answers in the envelope', async () => {
    const res = await postRaw(`${f.server.url}/api/v1/nothing`, ask);
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.text).success, false);
  });

  test('streaming is plain OpenAI SSE, not enveloped, ending in [DONE]', async () => {
    f.upstream.reply = { choices: [{ text: 'Streamed.' }], usage: { prompt_tokens: 3, completion_tokens: 2 }, chunkSize: 3 };
    const res = await postRaw(url, { ...ask, stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const data = sseData(res.text);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && !('success' in c)));
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Streamed.');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });

    // So the `openai` client streams from it as from /v1.
    const client = new OpenAI({ baseURL: `${f.server.url}/api/v1`, apiKey: API_KEY, maxRetries: 0 });
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'hi' }], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.equal(text, 'Streamed.');
  });

  test('reasoning_effort reaches the upstream, reasoning comes back as reasoning_content', async () => {
    f.upstream.reply = { choices: [{ reasoning: 'think', text: 'done' }], usage: { prompt_tokens: 1, completion_tokens: 2 } };
    const res = await postRaw(url, { ...ask, reasoning_effort: 'low' });
    assert.equal(f.upstream.last.body.reasoning_effort, 'low');
    assert.equal(JSON.parse(res.text).data.choices[0].message.reasoning_content, 'think');
  });
});

/** A POST with exactly these headers (fetch would add a content type of its own). */
function postWithoutDefaults(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
