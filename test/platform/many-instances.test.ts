import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newKey } from '../../src/auth/key-format.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { freshPostgresSchema, postgresSkip, redisSkip, redisUrl } from '../support/services.js';
import { until } from '../support/until.js';

const hi = [{ role: 'user' as const, content: 'hi' }];

async function chat(server: TestServer, key: string, body: Record<string, unknown> = {}): Promise<number> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'm1', messages: hi, ...body }),
  });
  await res.arrayBuffer();
  return res.status;
}

const skip = (await postgresSkip()) || (await redisSkip());

describe('two instances on one PostgreSQL and one Redis', { skip }, () => {
  const upstream = new FakeOpenAI();
  let schema: Awaited<ReturnType<typeof freshPostgresSchema>>;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    const baseUrl = await upstream.start();
    schema = await freshPostgresSchema();
    const config = {
      database_url: schema.url,
      redis_url: redisUrl,
      providers: [{ name: 'up', type: 'openai', base_url: baseUrl }],
      // 7 input tokens at $1000/M and 6 output at $1000/M: 13,000,000 nano-USD a call.
      models: [{ name: 'm1', provider: 'up', pricing: { input: 1000, output: 1000 } }],
    };
    // Started together: their migrations must not race.
    [a, b] = await Promise.all([startLingua(config), startLingua(config)]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await upstream.close();
    await schema?.drop();
  });

  async function createKey(fields: Record<string, unknown> = {}) {
    const k = newKey();
    await a.lingua.platform.storage.keys.create({ id: k.id, secretHash: k.hash, start: k.start, name: 'shared', ...fields });
    return k;
  }

  test('a key created on one works on the other; revoked on one, it is refused on the other within a second', async () => {
    const k = await createKey();
    assert.equal(await chat(b, k.key), 200);
    await a.lingua.platform.storage.keys.revoke(k.id);
    const revokedAt = Date.now();
    await until(async () => (await chat(b, k.key)) === 401, 'the other instance to refuse the revoked key', 1500);
    assert.ok(Date.now() - revokedAt < 1500);
  });

  test('a secret rotated on one is accepted by the other at once, before its next poll; the old one through the grace', async () => {
    const k = await createKey();
    assert.equal(await chat(b, k.key), 200);
    const rotated = newKey(k.id);
    await a.lingua.platform.storage.keys.rotate(k.id, rotated.hash, Date.now() + 3_600_000);
    // At once, with no wait for b's poll: a mismatched secret of a known key is looked up again.
    assert.equal(await chat(b, rotated.key), 200);
    assert.equal(await chat(b, k.key), 200, 'the old secret in its grace period');
    assert.equal(await chat(b, newKey(k.id).key), 401, 'another secret for the same id');
  });

  test('an rpm of 60 holds exactly across both under 300 concurrent requests split between them', async () => {
    const k = await createKey({ rpm: 60 });
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => chat(i % 2 === 0 ? a : b, k.key)));
    assert.equal(statuses.filter((s) => s === 200).length, 60);
    assert.equal(statuses.filter((s) => s === 429).length, 240);
  });

  test('a budget is not exceeded by 50 concurrent requests split between them', async () => {
    // $0.1 budget; each call reserves up to (7 + 20) tokens at $1000/M = $0.027 and costs $0.013.
    const budget = 100_000_000;
    const k = await createKey({ budget, budgetPeriod: 'month' });
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => chat(i % 2 === 0 ? a : b, k.key, { max_tokens: 20 })));
    const served = statuses.filter((s) => s === 200).length;
    assert.ok(served >= 3, `only ${served} served`);
    assert.equal(statuses.filter((s) => s !== 200 && s !== 429).length, 0);
    await Promise.all([a.lingua.platform.storage.ledger.flush(), b.lingua.platform.storage.ledger.flush()]);
    const spent = await a.lingua.platform.storage.usage.spent({ keyId: k.id }, 0);
    assert.equal(spent, served * 13_000_000);
    assert.ok(spent <= budget, `spent ${spent} of ${budget}`);
  });

  test('records from both land in one ledger', async () => {
    const k = await createKey();
    await chat(a, k.key);
    await chat(b, k.key);
    await Promise.all([a.lingua.platform.storage.ledger.flush(), b.lingua.platform.storage.ledger.flush()]);
    const page = await b.lingua.platform.storage.usage.requests({ keyId: k.id, limit: 10 });
    assert.equal(page.rows.length, 2);
  });
});
