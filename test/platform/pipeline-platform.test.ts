import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { newKey } from '../../src/auth/key-format.js';
import type { StoredUsageRecord } from '../../src/storage/index.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { until } from '../support/until.js';

const CONFIG_KEY = 'sk-config-key-0123456789';
const hi = [{ role: 'user' as const, content: 'hi' }];

/** POSTs JSON and returns status, headers and the parsed body. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

describe('the platform in the request pipeline', () => {
  const upstream = new FakeOpenAI();
  const log = new LogLines('debug');
  let server: TestServer;
  let chat: string;

  before(async () => {
    const baseUrl = await upstream.start();
    server = await startLingua({
      server: { body_limit_mb: 0.01 },
      keys: [{ name: 'cfg', key: CONFIG_KEY, models: ['m*'] }],
      providers: [{ name: 'up', type: 'openai', base_url: baseUrl, api_key: 'upstream-credential-xyz' }],
      models: [
        { name: 'm1', provider: 'up', model: 'up-model', pricing: { input: 2, cached_input: 1, output: 8 } },
        { name: 'm-free', provider: 'up', limits: { rpm: 1 } },
        { name: 'other', provider: 'up' },
      ],
    }, [], { logger: log.logger });
    chat = `${server.url}/v1/chat/completions`;
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const storage = () => server.lingua.platform.storage;
  async function records(): Promise<StoredUsageRecord[]> {
    await storage().ledger.flush();
    return (await storage().usage.requests({ limit: 500 })).rows;
  }
  async function dbKey(fields: Record<string, unknown> = {}) {
    const k = newKey();
    await storage().keys.create({ id: k.id, secretHash: k.hash, start: k.start, name: `k-${k.id}`, ...fields });
    return k;
  }

  test('every generating request makes exactly one usage record, refusals (400, 401, 403, 404, 413) included', async () => {
    const auth = { authorization: `Bearer ${CONFIG_KEY}` };
    const before = (await records()).length;
    const answers = await Promise.all([
      post(chat, { model: 'm1', messages: hi }, auth),
      post(chat, { model: 'm1', messages: 'nope' }, auth),
      post(chat, { model: 'm1', messages: hi }, { authorization: 'Bearer wrong-key-123456' }),
      post(chat, { model: 'other', messages: hi }, auth),
      post(chat, { model: 'missing', messages: hi }, auth),
      post(chat, { model: 'm1', messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }, auth),
      post(`${server.url}/v1/messages`, { model: 'm1', max_tokens: 5, messages: hi }, { 'x-api-key': CONFIG_KEY }),
    ]);
    assert.deepEqual(answers.map((a) => a.status), [200, 400, 401, 403, 404, 413, 200]);
    assert.match(answers[3]!.body.error.message, /may not use the model 'other'/);
    const rows = (await records()).slice(0, answers.length);
    assert.equal((await records()).length, before + answers.length);
    assert.deepEqual(rows.map((r) => r.status).sort(), [200, 200, 400, 401, 403, 404, 413].sort());
    const ok = rows.find((r) => r.status === 200 && r.protocol === 'openai')!;
    assert.equal(ok.keyId, 'cfg:cfg');
    assert.equal(ok.model, 'm1');
    assert.equal(ok.provider, 'up');
    assert.equal(ok.upstreamModel, 'up-model');
    assert.equal(ok.endpoint, '/v1/chat/completions');
    assert.equal(ok.attempts, 1);
    assert.deepEqual([ok.inputTokens, ok.outputTokens], [7, 6]);
    // 7 input tokens at $2/M and 6 output at $8/M: 14,000 + 48,000 nano-USD.
    assert.equal(ok.cost, 62_000);
    assert.equal(rows.find((r) => r.status === 401)!.keyId, null);
    assert.equal(rows.find((r) => r.status === 404)!.attempts, 0);
    assert.equal(rows.find((r) => r.protocol === 'anthropic')!.endpoint, '/v1/messages');
  });

  test('/v1/models lists only the models a key may use', async () => {
    const res = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${CONFIG_KEY}` } });
    const body = await res.json() as { data: Array<{ id: string; pricing?: unknown }> };
    assert.deepEqual(body.data.map((m) => m.id).sort(), ['m-free', 'm1']);
    assert.deepEqual(body.data.find((m) => m.id === 'm1')!.pricing, { input: 2, cached_input: 1, output: 8, unit: 'USD per 1M tokens' });
    const one = await fetch(`${server.url}/v1/models/other`, { headers: { authorization: `Bearer ${CONFIG_KEY}` } });
    assert.equal(one.status, 403);
  });

  test('a database key works at once; revoked, it gets a 401 saying so within a second; expired, a 401 saying that', async () => {
    const k = await dbKey();
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: k.key, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'm1', messages: hi });
    assert.equal(r.choices[0]!.message.content, 'Hello from the fake upstream.');
    await storage().keys.revoke(k.id);
    await until(async () => (await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` })).status === 401, 'the revocation to take effect', 1500);
    const refused = await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` });
    assert.equal(refused.body.error.code, 'revoked_api_key');
    assert.match(refused.body.error.message, /revoked/);
    assert.ok((await records()).some((r) => r.keyId === k.id && r.status === 401), "a revoked key's refusals are recorded as its own");

    const old = await dbKey({ expiresAt: Date.now() - 1000 });
    const expired = await post(`${server.url}/v1/messages`, { model: 'm1', max_tokens: 5, messages: hi }, { 'x-api-key': old.key });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body.error.type, 'authentication_error');
    assert.match(expired.body.error.message, /expired/);
  });

  test('an rpm limit refuses with 429 and retry-after in each protocol; rate-limit headers come on every answer', async () => {
    const k = await dbKey({ rpm: 2, tpm: 100_000 });
    const openai = await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` });
    assert.equal(openai.status, 200);
    assert.equal(openai.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(openai.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(openai.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+(\.\d+)?s$|^\d+ms$|^1m0s$/);
    assert.equal(openai.headers.get('x-ratelimit-limit-tokens'), '100000');

    const anthropic = new Anthropic({ baseURL: server.url, apiKey: k.key, maxRetries: 0 });
    const { response } = await anthropic.messages.create({ model: 'm1', max_tokens: 5, messages: hi, stream: true }).withResponse();
    assert.equal(response.headers.get('anthropic-ratelimit-requests-limit'), '2');
    assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '0');
    assert.match(response.headers.get('anthropic-ratelimit-requests-reset') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const refused = await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.type, 'rate_limit_error');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const refusedAnthropic = await post(`${server.url}/v1/messages`, { model: 'm1', max_tokens: 5, messages: hi }, { 'x-api-key': k.key });
    assert.equal(refusedAnthropic.status, 429);
    assert.equal(refusedAnthropic.body.type, 'error');
    assert.equal(refusedAnthropic.body.error.type, 'rate_limit_error');
    const refusedEnvelope = await post(`${server.url}/api/v1/chat/completions`, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` });
    assert.deepEqual([refusedEnvelope.status, refusedEnvelope.body.success, refusedEnvelope.body.code], [429, false, '429']);
  });

  test('an exhausted budget is refused before any backend call (429 insufficient_quota, naming the budget and its reset)', async () => {
    // max_tokens 1000 at $8/M output may cost $0.008: more than the $0.005 budget.
    const k = await dbKey({ budget: 5_000_000, budgetPeriod: 'day' });
    const calls = upstream.requests.length;
    const refused = await post(chat, { model: 'm1', messages: hi, max_tokens: 1000 }, { authorization: `Bearer ${k.key}` });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'insufficient_quota');
    assert.equal(refused.body.error.type, 'insufficient_quota');
    assert.match(refused.body.error.message, /daily budget of \$0\.005/);
    assert.match(refused.body.error.message, /resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
    assert.equal(upstream.requests.length, calls, 'no backend call');
    // A smaller request fits, and is charged what it cost.
    const ok = await post(chat, { model: 'm1', messages: hi, max_tokens: 100 }, { authorization: `Bearer ${k.key}` });
    assert.equal(ok.status, 200);
    const status = await server.lingua.platform.budgets.status({ id: `key:${k.id}`, limit: 5_000_000, period: 'day' });
    assert.equal(status.spent, 62_000);
    assert.equal(status.reserved, 0);
  });

  test('an aborted stream records what was generated up to the abort, marked as an estimate', async () => {
    upstream.reply = { choices: [{ text: 'word '.repeat(20_000) }], chunkSize: 40, delayMs: 2 };
    try {
      const k = await dbKey();
      const controller = new AbortController();
      const res = await fetch(chat, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${k.key}` },
        body: JSON.stringify({ model: 'm1', messages: hi, stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      await reader.read();
      controller.abort();
      await until(async () => (await records()).some((r) => r.keyId === k.id), 'the aborted request\'s record');
      const record = (await records()).find((r) => r.keyId === k.id)!;
      assert.equal(record.status, 499);
      assert.equal(record.errorKind, 'client_closed');
      assert.equal(record.estimated, true);
      assert.ok(record.outputTokens > 0);
      assert.ok(record.cost > 0);
    } finally {
      upstream.reply = { choices: [{ text: 'Hello from the fake upstream.' }], usage: { prompt_tokens: 7, completion_tokens: 6 } };
    }
  });

  test("a model's per-key limits apply to each key on that model, beside its own", async () => {
    const [k1, k2] = [await dbKey(), await dbKey()];
    assert.equal((await post(chat, { model: 'm-free', messages: hi }, { authorization: `Bearer ${k1.key}` })).status, 200);
    const refused = await post(chat, { model: 'm-free', messages: hi }, { authorization: `Bearer ${k1.key}` });
    assert.equal(refused.status, 429);
    assert.match(refused.body.error.message, /per-model \(m-free\) limit of requests per minute/);
    assert.equal((await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k1.key}` })).status, 200, 'other models are not limited');
    assert.equal((await post(chat, { model: 'm-free', messages: hi }, { authorization: `Bearer ${k2.key}` })).status, 200, 'nor other keys');
  });

  test('no key, secret or upstream credential appears in anything the server logged or recorded', async () => {
    const k = await dbKey();
    await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}` });
    await post(chat, { model: 'm1', messages: hi }, { authorization: `Bearer ${k.key}x` });
    const written = JSON.stringify(log.lines) + JSON.stringify(await records());
    for (const secret of [k.key, k.key.slice(-32), k.hash, CONFIG_KEY, 'upstream-credential-xyz']) assert.ok(!written.includes(secret), `${secret.slice(0, 12)}… was written`);
    assert.ok(written.includes(k.id), 'the public id is what logs and records show');
  });
});

describe('failed authentications', () => {
  const upstream = new FakeOpenAI();
  let throttled: TestServer;
  before(async () => {
    throttled = await startLingua({ server: { auth_failures_per_minute: 5 }, keys: [{ name: 'cfg', key: CONFIG_KEY }], providers: [{ name: 'up', type: 'openai', base_url: await upstream.start() }], models: [{ name: 'm1', provider: 'up' }] });
  });
  after(async () => {
    await throttled.close();
    await upstream.close();
  });

  test('an address that keeps failing authentication is refused for a while (429 with retry-after), even with a valid key', async () => {
    const limit = 5;
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++) statuses.push((await post(`${throttled.url}/v1/chat/completions`, { model: 'm1', messages: hi }, { authorization: `Bearer guess-${i}-0000000` })).status);
    assert.deepEqual(statuses, [...Array(limit).fill(401), 429]);
    const refused = await post(`${throttled.url}/v1/chat/completions`, { model: 'm1', messages: hi }, { authorization: `Bearer ${CONFIG_KEY}` });
    assert.equal(refused.status, 429, 'even with a valid key, the address waits');
    assert.equal(refused.body.error.code, 'too_many_failed_authentications');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });
});
