import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newKey } from '../../src/auth/key-format.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { parsePrometheusText, sampleSum } from '../support/prometheus-text.js';
import { usageRecords } from '../support/usage-records.js';
import { answerEmbeddings } from './fake-embedder.js';

const KEY = 'sk-embed-config-key-0123';
const CHAT_ONLY_KEY = 'sk-chat-only-key-012345';
const ADMIN_KEY = 'admin-key-for-embeddings-tests';

describe('embeddings in the platform: ledger, key scopes, limits, budgets, model kinds', () => {
  const upstream = new FakeOpenAI();
  const log = new LogLines('info');
  let server: TestServer;

  before(async () => {
    upstream.handler = answerEmbeddings;
    const baseUrl = await upstream.start();
    server = await startLingua({
      admin_key: ADMIN_KEY,
      keys: [{ name: 'cfg', key: KEY }, { name: 'chat', key: CHAT_ONLY_KEY, models: ['chat-*'] }],
      providers: [
        { name: 'up', type: 'openai', base_url: baseUrl },
        { name: 'claude', type: 'anthropic', base_url: baseUrl, api_key: 'x' },
      ],
      models: [
        // $0.5 per million input tokens (an embedding has no output).
        { name: 'embed-up', provider: 'up', model: 'text-embedding-3-large', embedding: true, pricing: { input: 0.5, output: 0 } },
        { name: 'chat-up', provider: 'up', model: 'gpt-x' },
        { name: 'chat-claude', provider: 'claude', model: 'claude-x' },
      ],
    }, [], { logger: log.logger });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const storage = () => server.lingua.platform.storage;
  const records = () => usageRecords(server);
  async function post(path: string, body: unknown, key = KEY): Promise<{ status: number; body: any }> {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  }
  const embed = (body: unknown, key?: string) => post('/v1/embeddings', body, key);

  test('a served request is one usage record: endpoint, model, provider, upstream model, input tokens, cost, user', async () => {
    const out = await embed({ model: 'embed-up', input: ['abcd', 'efghij'], user: 'end-user-7' });
    assert.equal(out.status, 200);
    const row = (await records()).find((r) => r.endpoint === '/v1/embeddings' && r.user === 'end-user-7')!;
    assert.ok(row, 'a record of the request');
    assert.equal(row.status, 200);
    assert.equal(row.protocol, 'openai');
    assert.equal(row.keyId, 'cfg:cfg');
    assert.equal(row.model, 'embed-up');
    assert.equal(row.provider, 'up');
    assert.equal(row.upstreamModel, 'text-embedding-3-large');
    // The fake counts one token per character: 4 + 6.
    assert.deepEqual([row.inputTokens, row.outputTokens, row.estimated], [10, 0, false]);
    // 10 tokens at $0.5/M: 5,000 nano-USD.
    assert.equal(row.cost, 5_000);
    assert.equal(row.stream, false);
  });

  test('an upstream that reports no usage: Lingua estimates, and the record says so', async () => {
    upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 0] }], model: req.body.model }));
    };
    try {
      const out = await embed({ model: 'embed-up', input: 'twelve chars', user: 'no-usage' });
      assert.equal(out.status, 200);
      // ⌈12 ASCII characters / 4⌉.
      assert.deepEqual(out.body.usage, { prompt_tokens: 3, total_tokens: 3 });
      const row = (await records()).find((r) => r.user === 'no-usage')!;
      assert.deepEqual([row.inputTokens, row.estimated], [3, true]);
    } finally {
      upstream.handler = answerEmbeddings;
    }
  });

  test("a key whose models exclude the embedding model gets the scope's 403 naming model; recorded, upstream not called", async () => {
    const calls = upstream.requests.length;
    const out = await embed({ model: 'embed-up', input: 'x', user: 'scoped-out' }, CHAT_ONLY_KEY);
    assert.equal(out.status, 403);
    assert.equal(out.body.error.code, 'model_not_allowed');
    assert.equal(out.body.error.param, 'model');
    assert.equal(upstream.requests.length, calls);
    const row = (await records()).find((r) => r.user === 'scoped-out')!;
    assert.deepEqual([row.status, row.keyId, row.attempts], [403, 'cfg:chat', 0]);
  });

  test('chat models asked for embeddings (an OpenAI-compatible one, an Anthropic one) are a 400 naming model', async () => {
    const calls = upstream.requests.length;
    for (const model of ['chat-up', 'chat-claude']) {
      const out = await embed({ model, input: 'x' });
      assert.equal(out.status, 400, model);
      assert.equal(out.body.error.param, 'model');
      assert.equal(out.body.error.code, 'model_not_embedding');
      assert.match(out.body.error.message, new RegExp(`'${model}' is a chat model`));
    }
    assert.equal(upstream.requests.length, calls);
  });

  test('the embedding model asked for chat, completions, messages or a token count is a 400 naming model', async () => {
    const chat = await post('/v1/chat/completions', { model: 'embed-up', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.status, 400);
    assert.equal(chat.body.error.param, 'model');
    assert.equal(chat.body.error.code, 'model_not_chat');
    const completion = await post('/v1/completions', { model: 'embed-up', prompt: 'hi' });
    assert.equal(completion.status, 400);
    assert.equal(completion.body.error.param, 'model');
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify({ model: 'embed-up', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
      const body = await res.json() as { type: string; error: { type: string; message: string } };
      assert.equal(res.status, 400, path);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, /'embed-up' is an embedding model/);
    }
  });

  test("a key's rpm limit applies (429 with retry-after), and its budget is reserved and spent by embedding cost", async () => {
    const k = newKey();
    await storage().keys.create({ id: k.id, secretHash: k.hash, start: k.start, name: `k-${k.id}`, rpm: 1 });
    assert.equal((await embed({ model: 'embed-up', input: 'one' }, k.key)).status, 200);
    const refused = await embed({ model: 'embed-up', input: 'two' }, k.key);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.type, 'rate_limit_error');

    // A budget of $0.00001: an input estimated at 20,001 tokens ($0.0100005) is refused before any upstream call; a small one is served and its real cost spent.
    const b = newKey();
    await storage().keys.create({ id: b.id, secretHash: b.hash, start: b.start, name: `k-${b.id}`, budget: 10_000, budgetPeriod: 'day' });
    const big = 'x'.repeat(4 * 20_000 + 4);
    const calls = upstream.requests.length;
    const over = await embed({ model: 'embed-up', input: big }, b.key);
    assert.equal(over.status, 429);
    assert.equal(over.body.error.type, 'insufficient_quota');
    assert.equal(upstream.requests.length, calls, 'no upstream call');
    assert.equal((await embed({ model: 'embed-up', input: 'abc' }, b.key)).status, 200);
    const status = await server.lingua.platform.budgets.status({ id: `key:${b.id}`, limit: 10_000, period: 'day' });
    // 3 tokens (the fake's count) at $0.5/M.
    assert.equal(status.spent, 1_500);
    assert.equal(status.reserved, 0);
  });

  test('one log line per request, and the Prometheus metrics count its tokens and cost', async () => {
    const scrape = async () => parsePrometheusText(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text()).samples;
    const before = await scrape();
    const out = await embed({ model: 'embed-up', input: '12345678', user: 'metered' });
    assert.equal(out.status, 200);
    const [line] = await log.waitForRequests(1, (l) => l.endpoint === 'embeddings' && l.status === 200 && l.input_tokens === 8);
    assert.equal(line!.model, 'embed-up');
    assert.equal(line!.provider, 'up');
    assert.equal(line!.output_tokens, 0);
    const after = await scrape();
    const labels = { endpoint: '/v1/embeddings', model: 'embed-up', status: '200' };
    assert.equal(sampleSum(after, 'lingua_requests_total', labels) - sampleSum(before, 'lingua_requests_total', labels), 1);
    assert.equal(sampleSum(after, 'lingua_input_tokens_total', { model: 'embed-up' }) - sampleSum(before, 'lingua_input_tokens_total', { model: 'embed-up' }), 8);
  });
});
