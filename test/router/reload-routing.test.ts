import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLingua } from '../support/lingua.js';
import { API_KEY, ask, FaultyOpenAI, statusFault } from './routing-fixture.js';

test('a reload keeps the breakers, figures and counters; new routing settings apply, where cooldowns live does not', async () => {
  const a = new FaultyOpenAI();
  const b = new FaultyOpenAI();
  const server = await startLingua({
    keys: [{ name: 'k', key: API_KEY }],
    providers: [{ name: 'a', type: 'openai', base_url: await a.start() }, { name: 'b', type: 'openai', base_url: await b.start() }],
    models: [{ name: 'm', targets: [{ provider: 'a' }, { provider: 'b', tier: 2 }] }],
    routing: { backoff_base_ms: 1, max_retries: 3, cooldown: { failures: 1, window_s: 60, duration_s: 60 } },
  });
  const target = () => server.lingua.context.router.state().models[0]!.targets[0]!;
  try {
    a.failWith(statusFault(500), Infinity);
    assert.equal((await ask(server.url, 'openai', { model: 'm', stream: false })).status, 200);
    assert.equal(target().health, 'cooling');
    const before = target();
    const current = server.lingua.live.current.config;
    const outcome = await server.lingua.reload({ ...current, routing: { ...current.routing, max_retries: 0, redis_prefix: 'elsewhere:' } });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.restartRequired, ['routing.redis_prefix']);
    assert.notEqual(server.lingua.context.router, undefined);
    assert.equal(target().health, 'cooling', 'the breaker survived the reload');
    assert.deepEqual(target().counters, before.counters);
    assert.equal(server.lingua.context.router.models()[0]!.retry.maxRetries, 0, 'the new max_retries applies');
    assert.equal((await ask(server.url, 'openai', { model: 'm', stream: true })).ended, 'complete');
    assert.equal(a.requests.length, 1, 'still skipped after the reload');
  } finally {
    await server.close();
    await a.close();
    await b.close();
  }
});
