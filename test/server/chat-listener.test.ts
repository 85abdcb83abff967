import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { completion } from '../support/fake-openai.js';
import { until } from '../support/until.js';
import { after, before, describe, test } from 'node:test';
import { API_KEY, openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';

const ask = { model: 'm1', messages: [{ role: 'user', content: 'hi' }] };

/** A POST whose body goes out in pieces with chunked encoding (no content-length). */
function postChunked(url: string, pieces: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    for (const p of pieces) req.write(p);
    req.end();
  });
}

describe('the chat listener (chat endpoints ahead of Fastify)', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture({ server: { body_limit_mb: 0.05 } }); });
  after(() => f.close());

  test('a trailing slash and a query string reach the same endpoint', async () => {
    for (const path of ['/v1/chat/completions/', '/v1/chat/completions?trace=1']) {
      const res = await postRaw(`${f.server.url}${path}`, ask);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.equal(JSON.parse(res.text).object, 'chat.completion');
    }
  });

  test('a body sent in chunks without content-length is read whole', async () => {
    const body = JSON.stringify({ ...ask, messages: [{ role: 'user', content: 'y'.repeat(30_000) }] });
    const res = await postChunked(`${f.server.url}/v1/chat/completions`, [body.slice(0, 10), body.slice(10, 20_000), body.slice(20_000)]);
    assert.equal(res.status, 200, res.text);
    assert.equal((f.upstream.last.body.messages as Array<{ content: string }>)[0]!.content.length, 30_000);
  });

  test('a chunked body that grows over the limit → 413 in OpenAI shape, and the server keeps serving', async () => {
    const big = JSON.stringify({ ...ask, messages: [{ role: 'user', content: 'z'.repeat(80 * 1024) }] });
    const res = await postChunked(`${f.server.url}/v1/chat/completions`, [big.slice(0, 40_000), big.slice(40_000)]);
    assert.equal(res.status, 413);
    assert.equal(JSON.parse(res.text).error.code, 'request_too_large');
    assert.equal((await postRaw(`${f.server.url}/v1/chat/completions`, ask)).status, 200);
  });

  test('__proto__ and constructor.prototype keys are refused (400 forbidden_key), never forwarded or merged', async () => {
    const calls = f.upstream.requests.length;
    const poisoned = '{"model":"m1","messages":[{"role":"user","content":"hi"}],"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"vendor_flag":true}';
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, poisoned);
    assert.equal(res.status, 400, res.text);
    assert.equal(JSON.parse(res.text).error.code, 'forbidden_key');
    assert.equal(f.upstream.requests.length, calls, 'nothing reached the upstream');
    assert.equal(({} as { polluted?: number }).polluted, undefined);
    const clean = await postRaw(`${f.server.url}/v1/chat/completions`, '{"model":"m1","messages":[{"role":"user","content":"hi"}],"vendor_flag":true}');
    assert.equal(clean.status, 200);
    assert.equal(f.upstream.last.body.vendor_flag, true, 'other unknown fields still pass through');
  });

  test('malformed JSON and an empty body → 400 naming the problem', async () => {
    const bad = await postRaw(`${f.server.url}/v1/chat/completions`, '{"model": "m1",');
    assert.equal(bad.status, 400);
    assert.equal(JSON.parse(bad.text).error.code, 'invalid_json');
    const empty = await postRaw(`${f.server.url}/v1/chat/completions`, '');
    assert.equal(empty.status, 400);
    assert.match(JSON.parse(empty.text).error.message, /JSON object/);
  });

  test('other methods on a chat path are Fastify\'s: 404 in OpenAI shape', async () => {
    const res = await fetch(`${f.server.url}/v1/chat/completions`);
    assert.equal(res.status, 404);
    assert.equal((await res.json() as { error: { type: string } }).error.type, 'invalid_request_error');
  });
});

describe('the chat listener while the server shuts down', () => {
  test('a request arriving on a kept-alive connection after close() began → 503 in OpenAI shape, while the request in flight finishes', async () => {
    const f = await openAIFixture();
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      f.upstream.handler = async (req, res) => {
        await held;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion({ choices: [{ text: 'done' }] }, req)));
      };
      const body = JSON.stringify(ask);
      const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer ${API_KEY}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
      const { port } = new URL(f.server.url);
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => { received += d; });
      socket.write(head + body);
      await until(() => f.upstream.requests.length === 1, 'the first request at the upstream');

      const closing = f.server.close();
      socket.write(head + body);
      await new Promise((r) => setTimeout(r, 50));
      release();
      await until(() => (received.match(/HTTP\/1\.1 /g) ?? []).length >= 2, 'two responses on the connection');
      socket.destroy();
      await closing;

      const responses = received.split(/(?=HTTP\/1\.1 )/);
      assert.equal(responses.length, 2, received);
      assert.match(responses[0]!, /^HTTP\/1\.1 200/);
      assert.match(responses[0]!, /"content":"done"/);
      assert.match(responses[1]!, /^HTTP\/1\.1 503/);
      assert.match(responses[1]!, /connection: close/i);
      const error = JSON.parse(responses[1]!.slice(responses[1]!.indexOf('\r\n\r\n') + 4)) as { error: { message: string } };
      assert.match(error.error.message, /shutting down/);
      assert.equal(f.upstream.requests.length, 1, 'the late request never reached the upstream');
    } finally {
      await f.upstream.close();
    }
  });
});
