import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { describe, test } from 'node:test';
import { RedisLimiter, type RedisLimiterOptions } from '../../src/limits/index.js';
import { redisSkip, uniqueName } from '../support/services.js';
import { limiterContract, manualClock } from './limiter-contract.js';
import { redisClients, silent } from './redis-clients.js';

const skip = await redisSkip();
const client = redisClients();

/** A limiter on a Redis connection of its own: an instance. */
function instance(prefix: string, clock: () => number, options: Partial<RedisLimiterOptions> = {}): RedisLimiter {
  return new RedisLimiter({ redis: client(), prefix, logger: silent, clock, ...options });
}

limiterContract('RedisLimiter', async (clock) => {
  const prefix = `${uniqueName('lim')}:`;
  const a = instance(prefix, clock);
  const b = instance(prefix, clock);
  return { a, b, close: async () => { await a.close(); await b.close(); } };
}, skip);

describe('RedisLimiter across instances', { skip }, () => {
  test('an instance that dies holding slots locks the key no longer than the lease TTL', async () => {
    const clock = manualClock();
    const prefix = `${uniqueName('lim')}:`;
    const key = { id: 'key:dies', maxConcurrency: 2 };
    const doomed = instance(prefix, clock.now, { leaseTtlMs: 30_000 });
    const survivor = instance(prefix, clock.now, { leaseTtlMs: 30_000 });
    try {
      assert.ok((await doomed.admit([key], { estimatedTokens: 0 })).ok);
      assert.ok((await doomed.admit([key], { estimatedTokens: 0 })).ok);
      await doomed.close(); // it dies: no release, no refresh
      clock.t += 29_999;
      const refused = await survivor.admit([key], { estimatedTokens: 0 });
      assert.equal(refused.ok, false);
      clock.t += 1;
      const a = await survivor.admit([key], { estimatedTokens: 0 });
      assert.ok(a.ok);
      assert.deepEqual(a.scopes[0]!.concurrency, { limit: 2, inFlight: 1 });
    } finally {
      await survivor.close();
    }
  });

  test('a live instance keeps its leases past the TTL by refreshing them, up to their maximum age', async () => {
    const clock = manualClock();
    const prefix = `${uniqueName('lim')}:`;
    const key = { id: 'key:live', maxConcurrency: 1 };
    const holder = instance(prefix, clock.now, { leaseTtlMs: 30_000, maxLeaseMs: 100_000 });
    const other = instance(prefix, clock.now, { leaseTtlMs: 30_000 });
    try {
      const held = await holder.admit([key], { estimatedTokens: 0 });
      assert.ok(held.ok);
      for (let i = 0; i < 4; i++) {
        clock.t += 20_000;
        await holder.refreshLeases();
        assert.equal((await other.admit([key], { estimatedTokens: 0 })).ok, false, `still held at ${20 * (i + 1)} s`);
      }
      clock.t += 20_000; // 100 s: past the maximum age, the refresh lets it go
      await holder.refreshLeases();
      clock.t += 30_000;
      assert.ok((await other.admit([key], { estimatedTokens: 0 })).ok);
    } finally {
      await holder.close();
      await other.close();
    }
  });

  test('every key it writes has a TTL (no key outlives its window or lease)', async () => {
    const clock = manualClock();
    const prefix = `${uniqueName('lim')}:`;
    const limiter = instance(prefix, clock.now);
    try {
      const a = await limiter.admit([{ id: 'key:ttl', rpm: 5, tpm: 500, maxConcurrency: 3 }], { estimatedTokens: 50 });
      assert.ok(a.ok);
      const redis = client();
      const keys = (await redis.keys(`${prefix}*`)).sort();
      assert.deepEqual(keys, [`${prefix}c:key:ttl`, `${prefix}r:key:ttl`, `${prefix}t:key:ttl`, `${prefix}tk:key:ttl`]);
      for (const k of keys) {
        const ttl = await redis.pttl(k);
        assert.ok(ttl > 0 && ttl <= 61_000, `${k}: ${ttl}`);
      }
      await a.lease.release({ tokens: 20 });
      assert.equal(await redis.exists(`${prefix}c:key:ttl`), 0, 'the last lease gone, its set is gone');
    } finally {
      await limiter.close();
    }
  });

  test('a resent admit or release (ioredis resends on reconnect) counts once', async () => {
    const prefix = `${uniqueName('lim')}:`;
    const redis = client() as Redis & { linguaAdmit(n: number, ...a: (string | number)[]): Promise<number[]>; linguaEndLease(n: number, ...a: (string | number)[]): Promise<number> };
    const limiter = new RedisLimiter({ redis, prefix, logger: silent });
    try {
      const keys = ['r', 't', 'tk', 'c'].map((k) => `${prefix}${k}:key:re`);
      const t = Date.now();
      const admit = [...keys, t, 60_000, 'lease1', 40, t + 30_000, 30_000, 1000, 10, 100, 5];
      const first = await redis.linguaAdmit(4, ...admit);
      const again = await redis.linguaAdmit(4, ...admit);
      assert.equal(first[0], 1);
      assert.deepEqual(again, first, 'the same answer, nothing added');
      assert.equal(await redis.zcard(keys[0]!), 1);
      const late = [...keys, t + 70_000, 60_000, 'lease1', 40, 90, 'release', 'rtc'];
      await redis.linguaEndLease(4, ...late);
      await redis.linguaEndLease(4, ...late);
      assert.equal(await redis.hget(keys[2]!, '#'), '50', 'the 50 tokens over the estimate, once');
    } finally {
      await limiter.close();
    }
  });
});
