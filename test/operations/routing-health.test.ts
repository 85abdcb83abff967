import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { parsePrometheusText, sampleSum, type Sample } from '../support/prometheus-text.js';

describe('the router\'s state in /metrics, /admin/health and /health/ready', () => {
  const good = new FakeOpenAI();
  const bad = new FakeOpenAI();
  let server: TestServer;

  before(async () => {
    const [goodUrl, badUrl] = [await good.start(), await bad.start()];
    bad.handler = (_req, res) => { res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}'); };
    server = await startLingua({
      providers: [{ name: 'good', type: 'openai', base_url: goodUrl }, { name: 'bad', type: 'openai', base_url: badUrl }],
      routing: { max_retries: 0, backoff_base_ms: 0, cooldown: { failures: 1, window_s: 60, duration_s: 600 } },
      models: [
        // The bad target first: a request tries it, fails, moves on to the good one.
        { name: 'pair', strategy: 'lowest_latency', targets: [{ provider: 'bad', tier: 1 }, { provider: 'good', tier: 2 }] },
        { name: 'alone', provider: 'bad' },
      ],
    });
  });
  after(async () => {
    await server.close();
    await good.close();
    await bad.close();
  });

  const chat = (model: string) => fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const scrape = async (): Promise<Sample[]> => parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text()).samples;

  test('a failing target is counted, cools down and is shown cooling; the model stays ready through its other target', async () => {
    assert.equal((await chat('pair')).status, 200);
    const metrics = await scrape();
    const badTarget = { provider: 'bad', upstream_model: 'pair' };
    assert.equal(sampleSum(metrics, 'lingua_target_failures_total', badTarget), 1);
    assert.equal(sampleSum(metrics, 'lingua_cooldowns_total', badTarget), 1);
    assert.equal(sampleSum(metrics, 'lingua_target_cooling', badTarget), 1);
    assert.equal(sampleSum(metrics, 'lingua_target_attempts_total', { provider: 'good', upstream_model: 'pair' }), 1);
    assert.equal(sampleSum(metrics, 'lingua_target_usable', { model: 'pair', provider: 'bad' }), 0);
    assert.equal(sampleSum(metrics, 'lingua_target_usable', { model: 'pair', provider: 'good' }), 1);
    assert.equal(sampleSum(metrics, 'lingua_requests_total', { model: 'pair', provider: 'good', status: '200' }), 1, 'the last target tried');

    const health = await (await fetch(`${server.url}/admin/health`)).json() as { models: Array<{ name: string; strategy: string; targets: Array<{ provider: string; breaker: string; cooldown_until: string | null; state: string }> }> };
    const pair = health.models.find((m) => m.name === 'pair')!;
    assert.equal(pair.strategy, 'lowest_latency');
    const badState = pair.targets.find((t) => t.provider === 'bad')!;
    assert.deepEqual([badState.breaker, badState.state], ['cooling', 'cooling']);
    assert.ok(Date.parse(badState.cooldown_until!) > Date.now());
  });

  test('a model whose only target cools down makes /health/ready 503, naming it', async () => {
    assert.ok((await chat('alone')).status >= 500);
    const r = await fetch(`${server.url}/health/ready`);
    assert.equal(r.status, 503);
    const body = await r.json() as { not_ready: string[]; models: Record<string, string> };
    assert.deepEqual(body.not_ready, ['model alone (cooling)']);
    assert.equal(body.models.pair, 'ready');
  });
});
