import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { usageRecords } from '../support/usage-records.js';
import { answerEmbeddings, fakeVector } from './fake-embedder.js';

describe('embeddings are routed as generations are', () => {
  const first = new FakeOpenAI();
  const second = new FakeOpenAI();
  let server: TestServer;

  before(async () => {
    first.handler = (_req, res) => { res.writeHead(503, { 'content-type': 'application/json' }); res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })); };
    second.handler = answerEmbeddings;
    const [a, b] = await Promise.all([first.start(), second.start()]);
    server = await startLingua({
      routing: { backoff_base_ms: 1, backoff_max_ms: 5, cooldown: { failures: 0 } },
      providers: [{ name: 'a', type: 'openai', base_url: a }, { name: 'b', type: 'openai', base_url: b }],
      models: [
        { name: 'embed-two', embedding: true, targets: [{ provider: 'a', model: 'e-a', tier: 1 }, { provider: 'b', model: 'e-b', tier: 2 }] },
        { name: 'embed-a', provider: 'a', model: 'e-a', embedding: true, max_retries: 0, fallbacks: ['embed-b'] },
        { name: 'embed-b', provider: 'b', model: 'e-b', embedding: true },
      ],
    });
  });
  after(async () => {
    await server.close();
    await Promise.all([first.close(), second.close()]);
  });

  async function embed(body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  const record = async (user: string) => (await usageRecords(server)).find((r) => r.user === user)!;

  test('a target that fails before answering: the next tier serves, and the record names it and counts the attempts', async () => {
    const out = await embed({ model: 'embed-two', input: 'route me', encoding_format: 'float', user: 'tiers' });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body.data[0].embedding, fakeVector('route me'));
    assert.equal(second.last.body.model, 'e-b');
    const row = await record('tiers');
    assert.deepEqual([row.provider, row.upstreamModel, row.attempts], ['b', 'e-b', 2]);
  });

  test("a model's fallbacks serve when its own targets failed", async () => {
    const out = await embed({ model: 'embed-a', input: 'fall back', encoding_format: 'float', user: 'fallback' });
    assert.equal(out.status, 200);
    assert.equal(out.body.model, 'embed-a');
    assert.deepEqual(out.body.data[0].embedding, fakeVector('fall back'));
    const row = await record('fallback');
    assert.deepEqual([row.model, row.provider, row.attempts], ['embed-a', 'b', 2]);
  });
});

describe('model kinds are checked when the config is loaded', () => {
  test('an embedding model on a provider that serves none, and a chat model on a local embedding model, are config errors', async () => {
    await assert.rejects(startLingua({
      providers: [{ name: 'claude', type: 'anthropic', base_url: 'http://127.0.0.1:9', api_key: 'x' }],
      models: [{ name: 'e', provider: 'claude', embedding: true }],
    }), /model 'e' is an embedding model, but provider 'claude' serves no embeddings/);
    await assert.rejects(startLingua({
      providers: [{ name: 'local', type: 'llama-cpp', model: '/nonexistent/embed.gguf', embedding: true }],
      models: [{ name: 'c', provider: 'local', embedding: false }],
    }), /model 'c' is a chat model, but provider 'local' loads an embedding model/);
  });
});
