import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WindowLog } from '../../src/limits/window-log.js';

test('WindowLog: a ring buffer that wraps and grows keeps entries in order, their sum, and their sequence numbers', () => {
  const log = new WindowLog();
  const seqs: number[] = [];
  // Wrap the 8-entry buffer several times, then grow it while wrapped.
  for (let t = 0; t < 30; t++) {
    seqs.push(log.push(t, 1));
    log.prune(t - 5); // keeps 5 entries: t-4..t
  }
  assert.deepEqual([log.size, log.sum, log.newestTime()], [5, 5, 29]);
  for (let t = 30; t < 50; t++) seqs.push(log.push(t, 2)); // grows to 32 while its head is mid-buffer
  assert.deepEqual([log.size, log.sum], [25, 45]);
  assert.equal(log.setAmount(seqs[24]!, 0), false, 'pruned long ago');
  assert.equal(log.setAmount(seqs[25]!, 10), true, 'the oldest still held');
  assert.equal(log.setAmount(seqs[49]!, 0), true, 'the newest');
  assert.equal(log.sum, 45 + 9 - 2);
  assert.equal(log.timeWhenFreed(10), 25, 'the oldest entry alone frees 10');
  assert.equal(log.timeWhenFreed(15), 30, '10 + four 1s + a 2');
  assert.equal(log.timeWhenFreed(1000), 49, 'never enough: the newest');
  log.prune(49);
  assert.deepEqual([log.size, log.sum, Number.isNaN(log.newestTime())], [0, 0, true]);
  assert.equal(log.push(10, 1), 50, 'sequence numbers go on');
});

test('WindowLog: a time before the newest entry is taken as the newest (the log stays in order)', () => {
  const log = new WindowLog();
  log.push(100, 1);
  log.push(90, 1);
  log.prune(99);
  assert.equal(log.size, 2);
  log.prune(100);
  assert.equal(log.size, 0);
});
