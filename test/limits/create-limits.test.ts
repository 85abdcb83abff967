import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import { MemoryBudgetStore, MemoryLimiter, createLimits } from '../../src/limits/index.js';
import { redisSkip, redisUrl, uniqueName } from '../support/services.js';
import { until } from '../support/until.js';
import { silent } from './redis-clients.js';

const skip = await redisSkip();
const seed = async (): Promise<number> => 0;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('createLimits: without a Redis URL, both live in memory', async () => {
  const limits = await createLimits({ logger: silent, seed });
  try {
    assert.equal(limits.backend, 'memory');
    assert.ok(limits.limiter instanceof MemoryLimiter);
    assert.ok(limits.budgets instanceof MemoryBudgetStore);
    assert.ok((await limits.limiter.admit([{ id: 'key:m', rpm: 1 }], { estimatedTokens: 0 })).ok);
  } finally {
    await limits.close();
  }
});

test('createLimits: with Redis unreachable, admit and reserve fail closed with a 503 at once (rate limits may fail open)', async () => {
  const url = `redis://127.0.0.1:${await closedPort()}`;
  const lines: string[] = [];
  const logger = silent.child({});
  logger.error = ((_: unknown, msg: string) => { lines.push(msg); }) as typeof logger.error;
  const limits = await createLimits({ redisUrl: url, logger, seed });
  const open = await createLimits({ redisUrl: url, logger: silent, seed, failOpen: true });
  try {
    assert.equal(limits.backend, 'redis');
    const is503 = (code: string) => (e: unknown): boolean => e instanceof LinguaError && e.status === 503 && e.code === code && e.retryAfter === 1;
    await assert.rejects(limits.limiter.admit([{ id: 'key:d', rpm: 5 }], { estimatedTokens: 0 }), is503('rate_limits_unavailable'));
    await assert.rejects(limits.budgets.reserve([{ id: 'key:d', limit: 10, period: 'day' }], 1, { requestId: 'r1' }), is503('budgets_unavailable'));
    await assert.rejects(limits.limiter.admit([{ id: 'key:d', rpm: 5 }], { estimatedTokens: 0 }), is503('rate_limits_unavailable'));
    await until(() => lines.some((l) => l.includes('cannot reach Redis')), 'the connection error logged');
    assert.equal(lines.filter((l) => l.startsWith('rate limits: Redis failed')).length, 1, 'one line per outage, not one per request');
    assert.ok((await open.limiter.admit([{ id: 'key:d', rpm: 5 }], { estimatedTokens: 0 })).ok, 'failOpen admits');
    await assert.rejects(open.budgets.reserve([{ id: 'key:d', limit: 10, period: 'day' }], 1, { requestId: 'r2' }), is503('budgets_unavailable'));
  } finally {
    await limits.close();
    await open.close();
  }
});

describe('createLimits with Redis', { skip }, () => {
  test('admit and reserve started together reach Redis in one write (one round trip per request)', async () => {
    const limits = await createLimits({ redisUrl, prefix: `${uniqueName('cl')}:`, logger: silent, seed });
    try {
      assert.equal(limits.backend, 'redis');
      const scopes = [{ id: 'key:p', rpm: 10, tpm: 1000, maxConcurrency: 2 }, { id: 'acct:p', rpm: 100 }];
      const budget = [{ id: 'key:p', limit: 1000, period: 'month' }, { id: 'acct:p', limit: 5000, period: 'month' }] as const;
      // The first reserve of a period seeds the figures; count the steady state.
      const warm = await limits.budgets.reserve(budget, 1, { requestId: 'warm' });
      assert.ok(warm.ok);
      await warm.reservation.settle(1);
      const stream = limits.redis!.stream;
      const write = stream.write.bind(stream);
      let writes = 0;
      stream.write = ((...args: Parameters<typeof stream.write>) => { writes++; return write(...args); }) as typeof stream.write;
      const [admission, outcome] = await Promise.all([
        limits.limiter.admit(scopes, { estimatedTokens: 100 }),
        limits.budgets.reserve(budget, 50, { requestId: 'req_1' }),
      ]);
      stream.write = write;
      assert.ok(admission.ok && outcome.ok);
      assert.equal(writes, 1);
      await Promise.all([admission.lease.release({ tokens: 60 }), outcome.reservation.settle(20)]);
    } finally {
      await limits.close();
    }
  });
});
