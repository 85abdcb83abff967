import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment } from '../../src/router/model-entry.js';
import { pickTarget } from '../../src/router/pick-target.js';
import { TargetHealth } from '../../src/router/target-health.js';
import type { Provider } from '../../src/providers/provider.js';

function target(name: string, weight = 1): Deployment {
  return { provider: { name } as Provider, upstreamModel: 'm', model: 'm', weight, tier: 1, pricing: undefined, health: new TargetHealth(name, 'm'), unsupportedParams: 'adapt' };
}

/** Draws from a fixed list, in turn. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

test('weighted: in proportion to the weights', () => {
  const [a, b] = [target('a', 1), target('b', 3)];
  assert.equal(pickTarget([a, b], 'weighted', false, draws(0)), a);
  assert.equal(pickTarget([a, b], 'weighted', false, draws(0.24)), a);
  assert.equal(pickTarget([a, b], 'weighted', false, draws(0.25)), b);
  assert.equal(pickTarget([a, b], 'weighted', false, draws(0.999)), b);
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 1000; i++) counts[pickTarget([a, b], 'weighted', false, () => i / 1000).provider.name as 'a' | 'b']++;
  assert.deepEqual(counts, { a: 250, b: 750 });
});

test('least_inflight: the fewest in flight; ties by weight', () => {
  const [a, b, c] = [target('a'), target('b'), target('c', 2)];
  a.health.inflight = 2;
  b.health.inflight = 1;
  c.health.inflight = 1;
  assert.equal(pickTarget([a, b, c], 'least_inflight', true, draws(0)), b);
  assert.equal(pickTarget([a, b, c], 'least_inflight', true, draws(0.5)), c);
  c.health.inflight = 0;
  assert.equal(pickTarget([a, b, c], 'least_inflight', true, draws(0)), c);
});

test('lowest_latency: unmeasured targets first, then the lowest EWMA of the same kind of call, 5% elsewhere', () => {
  const [a, b] = [target('a'), target('b')];
  a.health.observe(100, true);
  assert.equal(pickTarget([a, b], 'lowest_latency', true, draws(0.9)), b, 'b has no figure yet');
  b.health.observe(300, true);
  assert.equal(pickTarget([a, b], 'lowest_latency', true, draws(0.9)), a);
  assert.equal(pickTarget([a, b], 'lowest_latency', true, draws(0.01, 0)), b, 'exploration');
  assert.equal(pickTarget([a, b], 'lowest_latency', false, draws(0.9)), b, 'whole answers are measured apart: neither has a figure, so by weight');
  for (let i = 0; i < 10; i++) a.health.observe(1000, true);
  assert.equal(pickTarget([a, b], 'lowest_latency', true, draws(0.9)), b, 'the average follows the latest figures');
  assert.ok(a.health.ttftStreamMs! > 900);
});

test('one candidate is picked without drawing', () => {
  const a = target('a');
  assert.equal(pickTarget([a], 'weighted', false, () => assert.fail('no draw')), a);
});
