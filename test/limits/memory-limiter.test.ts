import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLimiter } from '../../src/limits/index.js';
import { limiterContract, manualClock } from './limiter-contract.js';

limiterContract('MemoryLimiter', async (clock) => {
  const limiter = new MemoryLimiter({ clock });
  return { a: limiter, b: limiter, close: () => limiter.close() };
});

test('MemoryLimiter: a scope with nothing in its windows and nothing in flight is dropped by the sweep', async () => {
  const clock = manualClock();
  const limiter = new MemoryLimiter({ clock: clock.now });
  try {
    const held = await limiter.admit([{ id: 'key:a', rpm: 5, maxConcurrency: 2 }, { id: 'acct:a', tpm: 100 }], { estimatedTokens: 10 });
    assert.ok(held.ok);
    clock.t += 61_000;
    limiter.sweep();
    assert.equal(limiter.scopesHeld, 1, 'key:a still has a request in flight');
    await held.lease.release({ tokens: 4 });
    limiter.sweep();
    assert.equal(limiter.scopesHeld, 0);
  } finally {
    await limiter.close();
  }
});
