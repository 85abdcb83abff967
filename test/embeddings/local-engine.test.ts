import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { sharedLlama } from '../../src/providers/llama-cpp/engine.js';
import { embeddingModel } from '../../src/providers/llama-cpp/gguf/embedding-model.js';
import { writeGguf } from '../../src/providers/llama-cpp/gguf/gguf-writer.js';
import { startLingua, type TestServer } from '../support/lingua.js';

/** The test model's embedding length, as written into its GGUF. */
const DIMENSIONS = 32;
const CONTEXT = 128;

describe('embeddings from the local engine (a llama-cpp provider with embedding: true)', () => {
  let dir: string;
  let path: string;
  let server: TestServer;
  let client: OpenAI;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lingua-embed-'));
    path = join(dir, 'embed.gguf');
    await writeGguf(path, embeddingModel({ embedding: DIMENSIONS, layers: 1, feedForward: 64, heads: 2, contextLength: 512, vocabSize: 500, seed: 11 }));
    server = await startLingua({
      providers: [{ name: 'local-embed', type: 'llama-cpp', model: path, embedding: true, context_size: CONTEXT, parallel: 1, threads: 1 }],
      models: [{ name: 'embed-local', provider: 'local-embed' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Token ids of `text` by the model's own tokenizer, loaded directly: an independent count. */
  async function tokenize(text: string): Promise<number[]> {
    const llama = await sharedLlama();
    const model = await llama.loadModel({ modelPath: path });
    try {
      return [...model.tokenize(text, false)];
    } finally {
      await model.dispose();
    }
  }

  async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${server.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }

  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

  test("vectors of the model's dimension, unit length; equal inputs give equal vectors, other inputs others", async () => {
    const out = await client.embeddings.create({ model: 'embed-local', input: ['the same text', 'the same text', 'something else'], encoding_format: 'float' });
    assert.equal(out.model, 'embed-local');
    const [a, b, c] = out.data.map((d) => d.embedding);
    for (const v of [a!, b!, c!]) {
      assert.equal(v.length, DIMENSIONS);
      assert.ok(Math.abs(norm(v) - 1) < 1e-6, `norm ${norm(v)}`);
    }
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const again = await client.embeddings.create({ model: 'embed-local', input: 'the same text', encoding_format: 'float' });
    assert.deepEqual(again.data[0]!.embedding, a);
    const tokens = (await tokenize('the same text')).length * 2 + (await tokenize('something else')).length;
    assert.deepEqual(out.usage, { prompt_tokens: tokens, total_tokens: tokens });
  });

  test("the SDK's default base64 decodes to the same vector (as float32); token ids embed as their text does", async () => {
    const floats = await client.embeddings.create({ model: 'embed-local', input: 'tokens or text', encoding_format: 'float' });
    const base64 = await client.embeddings.create({ model: 'embed-local', input: 'tokens or text' });
    assert.deepEqual(base64.data[0]!.embedding, Array.from(Float32Array.from(floats.data[0]!.embedding)));
    const ids = await tokenize('tokens or text');
    const byIds = await post('/v1/embeddings', { model: 'embed-local', input: ids, encoding_format: 'float' });
    assert.equal(byIds.status, 200);
    assert.deepEqual(byIds.body.data[0].embedding, floats.data[0]!.embedding);
    assert.equal(byIds.body.usage.prompt_tokens, ids.length);
  });

  test("dimensions other than the model's are refused naming dimensions; its own is accepted", async () => {
    const other = await post('/v1/embeddings', { model: 'embed-local', input: 'x', dimensions: 8 });
    assert.equal(other.status, 400);
    assert.equal(other.body.error.param, 'dimensions');
    assert.match(other.body.error.message, new RegExp(`${DIMENSIONS} dimensions`));
    const same = await post('/v1/embeddings', { model: 'embed-local', input: 'x', dimensions: DIMENSIONS, encoding_format: 'float' });
    assert.equal(same.status, 200);
    assert.equal(same.body.data[0].embedding.length, DIMENSIONS);
  });

  test('a token id outside the vocabulary, or an input longer than the context, is a 400 naming the input', async () => {
    const bad = await post('/v1/embeddings', { model: 'embed-local', input: [[1, 2], [3, 99999]] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'input[1]');
    assert.equal(bad.body.error.code, 'invalid_token_id');
    const long = await post('/v1/embeddings', { model: 'embed-local', input: Array.from({ length: CONTEXT + 10 }, () => 5) });
    assert.equal(long.status, 400);
    assert.equal(long.body.error.param, 'input');
    assert.equal(long.body.error.code, 'context_length_exceeded');
    const longText = await post('/v1/embeddings', { model: 'embed-local', input: ['fits', 'far too long '.repeat(CONTEXT * 8)] });
    assert.equal(longText.status, 400);
    assert.equal(longText.body.error.param, 'input[1]');
    assert.equal(longText.body.error.code, 'context_length_exceeded');
    // Just past the context in tokens, not in characters: counted, then refused.
    const justOver = await post('/v1/embeddings', { model: 'embed-local', input: 'ab '.repeat(CONTEXT) });
    assert.equal(justOver.status, 400);
    assert.match(justOver.body.error.message, /\d+ tokens long/);
  });

  test('the embedding model asked to chat is a 400 naming model', async () => {
    const chat = await post('/v1/chat/completions', { model: 'embed-local', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.status, 400);
    assert.equal(chat.body.error.param, 'model');
    assert.match(chat.body.error.message, /embedding model/);
  });
});
