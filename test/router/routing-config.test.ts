import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/lib/logger.js';
import type { Provider } from '../../src/providers/provider.js';
import { Router } from '../../src/router/router.js';

const providers = [
  { name: 'a', type: 'openai', base_url: 'http://127.0.0.1:1/v1', pricing: { input: 1, output: 2 } },
  { name: 'b', type: 'openai', base_url: 'http://127.0.0.1:2/v1' },
];

function router(models: unknown[], routing?: Record<string, unknown>): Router {
  const config = parseConfig({ providers, models, ...(routing === undefined ? {} : { routing }) });
  const fakes = new Map(config.providers.map((p) => [(p as { name: string }).name, { name: (p as { name: string }).name } as Provider]));
  const pricing = new Map([['a', { input: 1, output: 2 }]]);
  return new Router(config.models, fakes, createLogger('silent'), pricing, { routing: config.routing });
}

function configError(models: unknown[]): string {
  try {
    parseConfig({ providers, models });
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('the config was accepted');
}

test('the forms of before still work: {name, provider, model}, and a model listed twice is ordered failover (tiers 1 and 2)', () => {
  const [m] = router([{ name: 'm', provider: 'a', model: 'up-1' }, { name: 'm', provider: 'b' }]).models();
  assert.deepEqual(m!.deployments.map((d) => [d.provider.name, d.upstreamModel, d.tier, d.weight]), [['a', 'up-1', 1, 1], ['b', 'm', 2, 1]]);
  assert.equal(m!.tiers.length, 2);
  assert.equal(m!.strategy, 'weighted');
  assert.deepEqual(m!.retry, { maxRetries: 2, budgetMs: 30_000, backoffBaseMs: 250, backoffMaxMs: 5000, retryAfterMaxMs: 10_000 });
  assert.deepEqual(m!.cooldown, { failures: 3, windowMs: 60_000, durationMs: 30_000 });
});

test('targets, strategy, fallbacks and per-model retry and cooldown settings over the routing defaults', () => {
  const r = router([
    {
      name: 'm', strategy: 'least_inflight', fallbacks: ['n'], context_fallbacks: ['n'], max_retries: 4, cooldown: { failures: 5 },
      targets: [{ provider: 'a', model: 'x', weight: 3 }, { provider: 'b', model: 'y', tier: 2 }],
    },
    { name: 'n', provider: 'b' },
  ], { max_retries: 1, retry_budget_s: 12, cooldown: { failures: 2, window_s: 10, duration_s: 5 } });
  const [m, n] = r.models();
  assert.equal(m!.strategy, 'least_inflight');
  assert.deepEqual(m!.fallbacks, ['n']);
  assert.deepEqual(m!.contextFallbacks, ['n']);
  assert.equal(m!.retry.maxRetries, 4);
  assert.equal(m!.retry.budgetMs, 12_000);
  assert.deepEqual(m!.cooldown, { failures: 5, windowMs: 10_000, durationMs: 5000 });
  assert.equal(n!.retry.maxRetries, 1);
  assert.deepEqual(m!.deployments.map((d) => [d.upstreamModel, d.weight, d.tier]), [['x', 3, 1], ['y', 1, 2]]);
  assert.equal(m!.deployments[0]!.pricing?.cost({ inputTokens: 1_000_000, outputTokens: 0 }), 1e9, "each target has its provider's pricing");
  assert.equal(m!.deployments[1]!.pricing, undefined, 'b has none');
  assert.ok(m!.deployments.every((d) => d.health.countsInflight), 'several targets: in flight counted');
  assert.equal(n!.deployments[0]!.health.countsInflight, false);
});

test('a target shared by two models is one target: one breaker, one set of figures', () => {
  const [m, n] = router([{ name: 'm', provider: 'a', model: 'x' }, { name: 'n', targets: [{ provider: 'a', model: 'x' }, { provider: 'b' }] }]).models();
  assert.equal(m!.deployments[0]!.health, n!.deployments[0]!.health);
  assert.equal(m!.deployments[0]!.health.id, 'a/x');
});

test('config errors name the field', () => {
  assert.match(configError([{ name: 'm' }]), /models\[0\]: needs 'provider'/);
  assert.match(configError([{ name: 'm', provider: 'a', targets: [{ provider: 'b' }] }]), /models\[0\]: has 'targets'/);
  assert.match(configError([{ name: 'm', targets: [{ provider: 'a' }, { provider: 'zz' }] }]), /models\[0\]\.targets\[1\]\.provider: no provider named 'zz'/);
  assert.match(configError([{ name: 'm', provider: 'a', fallbacks: ['nope'] }]), /models\[0\]\.fallbacks\[0\]: no model named 'nope'/);
  assert.match(configError([{ name: 'm', provider: 'a', context_fallbacks: ['m'] }]), /cannot fall back to itself/);
  assert.match(configError([{ name: 'm', provider: 'a', strategy: 'weighted' }, { name: 'm', provider: 'b', strategy: 'least_inflight' }]), /models\[1\]\.strategy: 'strategy' of model 'm' is already set in models\[0\]/);
  assert.match(configError([{ name: 'm', provider: 'a', strategy: 'fastest' }]), /models\[0\]\.strategy/);
  assert.match(configError([{ name: 'm', targets: [{ provider: 'a', weight: 0 }] }]), /models\[0\]\.targets\[0\]\.weight/);
  assert.match(configError([{ name: 'm', targets: [] }]), /models\[0\]\.targets/);
});
