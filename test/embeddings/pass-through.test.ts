import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { until } from '../support/until.js';
import { answerEmbeddings, asFloat32, fakeVector } from './fake-embedder.js';

const upstream = new FakeOpenAI();
let lingua: TestServer;
let client: OpenAI;

before(async () => {
  upstream.handler = answerEmbeddings;
  const baseUrl = await upstream.start();
  lingua = await startLingua({
    providers: [{ name: 'up', type: 'openai', base_url: baseUrl, api_key: 'upstream-secret' }],
    models: [{ name: 'embed-small', provider: 'up', model: 'text-embedding-3-small', embedding: true }],
  });
  client = new OpenAI({ baseURL: `${lingua.url}/v1`, apiKey: 'none' });
});

after(async () => {
  await lingua.close();
  await upstream.close();
});

async function post(body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${lingua.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

test("the openai SDK's embeddings.create: base64 by default, decoded by the SDK to the upstream's vectors", async () => {
  const out = await client.embeddings.create({ model: 'embed-small', input: ['alpha', 'beta gamma'] });
  const sent = upstream.last;
  assert.equal(sent.path, '/v1/embeddings');
  assert.equal(sent.headers.authorization, 'Bearer upstream-secret');
  assert.deepEqual(sent.body, { model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'base64' });
  assert.equal(out.object, 'list');
  assert.equal(out.model, 'embed-small');
  assert.deepEqual(out.data.map((d) => d.index), [0, 1]);
  assert.deepEqual(out.data.map((d) => d.embedding), [asFloat32(fakeVector('alpha')), asFloat32(fakeVector('beta gamma'))]);
  assert.deepEqual(out.usage, { prompt_tokens: 15, total_tokens: 15 });
});

test('float vectors come back as the upstream sent them; dimensions and user pass through', async () => {
  const out = await client.embeddings.create({ model: 'embed-small', input: 'one text', encoding_format: 'float', dimensions: 6, user: 'user-42' });
  assert.deepEqual(upstream.last.body, { model: 'text-embedding-3-small', input: 'one text', encoding_format: 'float', dimensions: 6, user: 'user-42' });
  assert.deepEqual(out.data[0]!.embedding, fakeVector('one text', 6));
  assert.equal(out.data[0]!.embedding.length, 6);
});

test('token arrays (one, or several) pass through in the shape the client sent', async () => {
  const one = await post({ model: 'embed-small', input: [5, 6, 7], encoding_format: 'float' });
  assert.equal(one.status, 200);
  assert.deepEqual(upstream.last.body.input, [5, 6, 7]);
  assert.deepEqual(one.body.data[0].embedding, fakeVector([5, 6, 7]));
  const many = await post({ model: 'embed-small', input: [[1, 2], [300]], encoding_format: 'float' });
  assert.deepEqual(upstream.last.body.input, [[1, 2], [300]]);
  assert.deepEqual(many.body.data.map((d: { embedding: number[] }) => d.embedding), [fakeVector([1, 2]), fakeVector([300])]);
  assert.deepEqual(many.body.usage, { prompt_tokens: 3, total_tokens: 3 });
});

test('explicit base64 comes back as base64 (the same float32 bytes)', async () => {
  const out = await post({ model: 'embed-small', input: 'bytes', encoding_format: 'base64' });
  assert.equal(upstream.last.body.encoding_format, 'base64');
  const bytes = Buffer.from(out.body.data[0].embedding as string, 'base64');
  assert.deepEqual(Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4)), asFloat32(fakeVector('bytes')));
});

test('a bad body is a 400 in OpenAI\'s shape naming the field; the upstream is not called', async () => {
  const calls = upstream.requests.length;
  const bad = await post({ model: 'embed-small', input: 'x', encoding_format: 'int8' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.type, 'invalid_request_error');
  assert.equal(bad.body.error.param, 'encoding_format');
  const empty = await post({ model: 'embed-small', input: [] });
  assert.equal(empty.body.error.param, 'input');
  assert.equal(upstream.requests.length, calls);
});

test('a broken upstream answer is a 502, not vectors', async () => {
  upstream.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ object: 'list', data: [] })); };
  try {
    const out = await post({ model: 'embed-small', input: 'x' });
    assert.equal(out.status, 502);
    assert.match(out.body.error.message, /broken embeddings answer/);
  } finally {
    upstream.handler = answerEmbeddings;
  }
});

test('a client that leaves stops the upstream call', async () => {
  upstream.handler = () => {}; // never answers
  try {
    const arrived = upstream.requests.length;
    const aborted = upstream.aborted;
    const controller = new AbortController();
    const answer = fetch(`${lingua.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'embed-small', input: 'wait' }), signal: controller.signal });
    await until(() => upstream.requests.length > arrived, 'the request to reach the upstream');
    controller.abort();
    await assert.rejects(answer);
    await until(() => upstream.aborted > aborted, 'the upstream call to be aborted');
  } finally {
    upstream.handler = answerEmbeddings;
  }
});
