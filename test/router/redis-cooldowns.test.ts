import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisCooldowns } from '../../src/router/redis-cooldowns.js';
import { redisClients, silent } from '../limits/redis-clients.js';
import { redisSkip, uniqueName } from '../support/services.js';
import { until } from '../support/until.js';
import { cooldownContract } from './cooldown-contract.js';

const skip = await redisSkip();
const client = redisClients();

cooldownContract('RedisCooldowns', async (clock) => {
  const prefix = `${uniqueName('cd')}:`;
  const a = new RedisCooldowns({ redis: client(), prefix, logger: silent, syncMs: 60_000, clock });
  const b = new RedisCooldowns({ redis: client(), prefix, logger: silent, syncMs: 60_000, clock });
  return { a, b, close: async () => { await a.close(); await b.close(); } };
}, skip);

test('RedisCooldowns reads what other instances opened every syncMs, without being asked', { skip }, async () => {
  const prefix = `${uniqueName('cd')}:`;
  const a = new RedisCooldowns({ redis: client(), prefix, logger: silent, syncMs: 60_000 });
  const b = new RedisCooldowns({ redis: client(), prefix, logger: silent, syncMs: 20 });
  try {
    for (let i = 0; i < 2; i++) await a.fail('p/m', { failures: 2, windowMs: 60_000, durationMs: 30_000 });
    await until(() => b.until('p/m') !== undefined, 'the other instance to see the cooldown');
  } finally {
    await a.close();
    await b.close();
  }
});

test('with Redis unreachable, RedisCooldowns cools targets on this instance alone', { skip }, async () => {
  // Nothing listens on port 1: every command fails at once.
  const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const store = new RedisCooldowns({ redis: dead, prefix: 'x:', logger: silent, syncMs: 60_000 });
  try {
    const policy = { failures: 2, windowMs: 60_000, durationMs: 30_000 };
    assert.equal(await store.fail('p/m', policy), undefined);
    assert.ok((await store.fail('p/m', policy))! > Date.now());
    assert.ok(store.until('p/m')! > Date.now());
  } finally {
    await store.close();
    dead.disconnect();
  }
});
