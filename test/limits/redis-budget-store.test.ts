import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { describe, test } from 'node:test';
import { RedisBudgetStore, type BudgetSeed, type RedisBudgetStoreOptions } from '../../src/limits/index.js';
import { redisSkip, uniqueName } from '../support/services.js';
import { FakeLedger, budgetStoreContract, refused, reserved } from './budget-store-contract.js';
import { manualClock } from './limiter-contract.js';
import { redisClients, silent } from './redis-clients.js';

const skip = await redisSkip();
const client = redisClients();

/** A store on a Redis connection of its own: an instance. */
function instance(prefix: string, clock: () => number, seed: BudgetSeed, options: Partial<RedisBudgetStoreOptions> = {}): RedisBudgetStore {
  return new RedisBudgetStore({ redis: client(), prefix, logger: silent, clock, seed, ...options });
}

budgetStoreContract('RedisBudgetStore', async (clock, seed) => {
  const prefix = `${uniqueName('bud')}:`;
  const a = instance(prefix, clock, seed);
  const b = instance(prefix, clock, seed);
  return { a, b, close: async () => { await a.close(); await b.close(); } };
}, skip);

describe('RedisBudgetStore across instances', { skip }, () => {
  const key = { id: 'key:r', limit: 100, period: 'day' } as const;
  const dayStart = Date.UTC(2030, 0, 7);

  test('a reservation of an instance that died lapses after its TTL; a live instance keeps its own by refreshing', async () => {
    const clock = manualClock();
    const ledger = new FakeLedger();
    const prefix = `${uniqueName('bud')}:`;
    const doomed = instance(prefix, clock.now, ledger.seed, { reservationTtlMs: 30_000 });
    const live = instance(prefix, clock.now, ledger.seed, { reservationTtlMs: 30_000 });
    try {
      reserved(await doomed.reserve([key], 50, { requestId: 'r1' }));
      reserved(await live.reserve([key], 50, { requestId: 'r2' }));
      await doomed.close(); // dies: no settle, no refresh
      clock.t += 20_000;
      await live.refreshReservations();
      clock.t += 15_000; // 35 s: r1 lapsed, r2 refreshed at 20 s
      const status = await live.status(key);
      assert.equal(status.reserved, 50);
      refused(await live.reserve([key], 51, { requestId: 'r3' }));
      reserved(await live.reserve([key], 50, { requestId: 'r4' }));
    } finally {
      await live.close();
    }
  });

  test('figures lost from Redis (a restart) are seeded again from the ledger; a request straddling the loss is charged once', async () => {
    const clock = manualClock();
    const ledger = new FakeLedger();
    const prefix = `${uniqueName('bud')}:`;
    const a = instance(prefix, clock.now, ledger.seed);
    const b = instance(prefix, clock.now, ledger.seed);
    try {
      const before = reserved(await a.reserve([key], 40, { requestId: 'r1' }));
      await reserved(await a.reserve([key], 40, { requestId: 'r0' })).settle(30);
      const redis = client();
      assert.equal(await redis.del(`${prefix}b:day:${dayStart}:key:r`, `${prefix}bz:day:${dayStart}:key:r`), 2);
      ledger.spent.set('key:r', 30); // what the ledger recorded of r0
      await before.settle(25);
      assert.deepEqual(ledger.calls, ['key:r@2030-01-07T00:00:00.000Z', 'key:r@2030-01-07T00:00:00.000Z']);
      assert.equal((await b.status(key)).spent, 55);
      await before.settle(25);
      assert.equal((await a.status(key)).spent, 55);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a late seed never overwrites figures another instance has seeded and used', async () => {
    const clock = manualClock();
    const prefix = `${uniqueName('bud')}:`;
    let release!: () => void;
    const slow = new Promise<void>((resolve) => { release = resolve; });
    const a = instance(prefix, clock.now, async () => 10);
    const b = instance(prefix, clock.now, async () => { await slow; return 0; });
    try {
      const pending = b.reserve([key], 50, { requestId: 'rb' });
      reserved(await a.reserve([key], 60, { requestId: 'ra' }));
      release();
      const r = refused(await pending);
      assert.deepEqual([r.spent, r.reserved], [10, 60]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('keys: one figures hash and one deadlines set per scope and period, living until the period is over (none: forever)', async () => {
    const clock = manualClock();
    const prefix = `${uniqueName('bud')}:`;
    const store = instance(prefix, clock.now, async () => 0);
    try {
      const forever = { id: 'acct:r', limit: 1000, period: 'none' } as const;
      const r = reserved(await store.reserve([key, forever], 10, { requestId: 'r1' }));
      const redis = client();
      const keys = (await redis.keys(`${prefix}*`)).sort();
      assert.deepEqual(keys, [`${prefix}b:day:${dayStart}:key:r`, `${prefix}b:none:0:acct:r`, `${prefix}bz:day:${dayStart}:key:r`, `${prefix}bz:none:0:acct:r`]);
      const ttl = await redis.pttl(keys[0]!);
      const expected = Date.UTC(2030, 0, 8) - clock.t + 2 * 3_600_000; // the period's end + the longest reservation + 1 h
      assert.ok(ttl <= expected && ttl > expected - 60_000, `${ttl}`);
      assert.equal(await redis.pttl(keys[1]!), -1);
      assert.deepEqual(await redis.hgetall(keys[0]!), { spent: '0', held: '10', gen: (await redis.hget(keys[0]!, 'gen'))!, 'r:r1': '10' });
      await r.settle(7);
      assert.deepEqual(await redis.hmget(keys[1]!, 'spent', 'held', 'r:r1'), ['7', '0', null]);
    } finally {
      await store.close();
    }
  });

  test('a resent settle (ioredis resends on reconnect) charges once', async () => {
    const prefix = `${uniqueName('bud')}:`;
    const redis = client() as Redis & { linguaSettle(n: number, ...a: (string | number)[]): Promise<number[]> };
    const store = new RedisBudgetStore({ redis, prefix, logger: silent, seed: async () => 0, clock: manualClock().now });
    try {
      reserved(await store.reserve([key], 40, { requestId: 'r1' }));
      const h = `${prefix}b:day:${dayStart}:key:r`;
      const args = [h, `${prefix}bz:day:${dayStart}:key:r`, 'r1', 30, (await redis.hget(h, 'gen'))!];
      await redis.linguaSettle(2, ...args);
      await redis.linguaSettle(2, ...args);
      assert.deepEqual(await redis.hmget(h, 'spent', 'held'), ['30', '0']);
    } finally {
      await store.close();
    }
  });
});
