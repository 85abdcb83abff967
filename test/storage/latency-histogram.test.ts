import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketFloor, bucketOf, HISTOGRAM_BUCKETS, quantile } from '../../src/storage/latency-histogram.js';

test('buckets are √2 wide from 1 ms, with one below and one from 2^20 ms up', () => {
  assert.deepEqual([0, 0.5, 1, 1.5, 2, 3, 4, 1000].map(bucketOf), [0, 0, 1, 2, 3, 4, 5, 20]);
  assert.equal(bucketOf(2 ** 20), HISTOGRAM_BUCKETS - 1);
  assert.equal(bucketOf(1e12), HISTOGRAM_BUCKETS - 1);
  assert.equal(bucketOf(-5), 0);
  assert.equal(bucketOf(Number.NaN), 0);
  for (let ms = 1; ms < 2 ** 20; ms = Math.ceil(ms * 1.1)) {
    const b = bucketOf(ms);
    assert.ok(bucketFloor(b) <= ms && ms < bucketFloor(b + 1), `${ms} ms in bucket ${b}`);
  }
});

test('quantiles land within a factor of √2 of the truth', () => {
  const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  const values = Array.from({ length: 1000 }, (_, i) => 5 + i * 3); // 5 … 3002 ms
  for (const v of values) counts[bucketOf(v)]!++;
  for (const q of [0.5, 0.9, 0.95, 0.99]) {
    const truth = values[Math.ceil(q * values.length) - 1]!;
    const estimate = quantile(counts, q)!;
    assert.ok(estimate >= truth / Math.SQRT2 && estimate <= truth * Math.SQRT2, `q${q}: ${estimate} vs ${truth}`);
  }
});

test('quantile of nothing is null; of one value, a value in its bucket', () => {
  const counts = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  assert.equal(quantile(counts, 0.5), null);
  counts[bucketOf(250)] = 1;
  const p50 = quantile(counts, 0.5)!;
  assert.equal(bucketOf(p50), bucketOf(250));
  counts.fill(0);
  counts[0] = 3;
  assert.equal(quantile(counts, 0.95), 1);
});
