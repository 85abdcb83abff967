import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLingua } from '../support/lingua.js';
import { redisSkip, redisUrl, uniqueName } from '../support/services.js';
import { until } from '../support/until.js';
import { API_KEY, ask, FaultyOpenAI, statusFault } from './routing-fixture.js';

const skip = await redisSkip();

test('with redis_url, instances count failures together, share the cooldown and its one probe', { skip }, async () => {
  const failing = new FaultyOpenAI();
  const spare = new FaultyOpenAI();
  const config = {
    redis_url: redisUrl,
    keys: [{ name: 'k', key: API_KEY }],
    providers: [{ name: 'a', type: 'openai', base_url: await failing.start() }, { name: 'b', type: 'openai', base_url: await spare.start() }],
    models: [{ name: 'solo', provider: 'a', max_retries: 0 }, { name: 'm', targets: [{ provider: 'a', model: 'solo' }, { provider: 'b', tier: 2 }] }],
    routing: { redis_prefix: `${uniqueName('route')}:`, cooldown_sync_ms: 20, backoff_base_ms: 1, cooldown: { failures: 2, window_s: 60, duration_s: 1 } },
  };
  const one = await startLingua(config);
  const two = await startLingua(config);
  const health = (s: typeof one, model: string) => s.lingua.context.router.state().models.find((m) => m.name === model)!.targets[0]!.health;
  try {
    failing.failWith(statusFault(503), Infinity);
    assert.equal((await ask(one.url, 'openai', { model: 'solo', stream: false })).status, 503);
    assert.equal(health(one, 'solo'), 'healthy', 'one failure of two');
    assert.equal((await ask(two.url, 'openai', { model: 'solo', stream: false })).status, 503);
    assert.equal(health(two, 'solo'), 'cooling', "the other instance's failure counted");
    await until(() => health(one, 'solo') === 'cooling', 'the first instance to see the cooldown');
    assert.equal(health(one, 'm'), 'cooling', "one target (a/solo) for both models: one breaker");
    const seen = failing.requests.length;
    for (const s of [one, two]) assert.equal((await ask(s.url, 'anthropic', { model: 'm', stream: true })).ended, 'complete');
    assert.equal(failing.requests.length, seen, 'neither instance sends it anything while it cools');
    assert.equal(spare.served, 2);

    failing.heal();
    await until(() => health(one, 'm') === 'half_open' && health(two, 'm') === 'half_open', 'the cooldown to end on both', 3000);
    // Both ask at once: one probe between them; the other request goes to tier 2.
    const answers = await Promise.all([one, two].map((s) => ask(s.url, 'openai', { model: 'm', stream: false })));
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(failing.served, 1, 'one probe for both instances');
    await until(() => health(one, 'm') === 'healthy' && health(two, 'm') === 'healthy', 'the probe to close it everywhere');
  } finally {
    await one.close();
    await two.close();
    await failing.close();
    await spare.close();
  }
});
