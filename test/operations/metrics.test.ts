import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { freePort } from '../support/free-port.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { parsePrometheusText, sampleSum, type Sample } from '../support/prometheus-text.js';

const ADMIN_KEY = 'admin-key-for-metrics-tests';
const CALLER_KEY = 'sk-metrics-caller-key';

describe('GET /metrics', () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  let metricsPort: number;

  before(async () => {
    const base = await upstream.start();
    metricsPort = await freePort();
    server = await startLingua({
      admin_key: ADMIN_KEY,
      keys: [{ name: 'team', key: CALLER_KEY }],
      metrics: { host: '127.0.0.1', port: metricsPort },
      providers: [{ name: 'up', type: 'openai', base_url: base }],
      models: [{ name: 'gpt', provider: 'up', pricing: { input: 1, output: 2 } }],
    });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const scrape = async (): Promise<Sample[]> => {
    const r = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await r.text()).samples;
  };
  const chat = (model: string, key = CALLER_KEY) => fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

  test('needs the admin key on the main listener', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${CALLER_KEY}` } })).status, 401);
  });

  test('parses, with a TYPE for every family, and its counters move with requests', async () => {
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const { types } = parsePrometheusText(text);
    const families: Array<[string, string]> = [['lingua_requests_total', 'counter'], ['lingua_request_duration_seconds', 'histogram'], ['lingua_time_to_first_token_seconds', 'histogram'], ['lingua_in_flight_requests', 'gauge'], ['lingua_upstream_connections', 'gauge'], ['lingua_engine_busy_sequences', 'gauge']];
    for (const [name, type] of families) {
      assert.equal(types.get(name), type, name);
    }
    const labels = { protocol: 'openai', endpoint: '/v1/chat/completions', model: 'gpt', provider: 'up' };
    const before = await scrape();
    upstream.reply = { choices: [{ text: 'counted' }], usage: { prompt_tokens: 10, completion_tokens: 4 } };
    for (let i = 0; i < 3; i++) assert.equal((await chat('gpt')).status, 200);
    const after = await scrape();
    const delta = (name: string, l: Record<string, string>) => sampleSum(after, name, l) - sampleSum(before, name, l);
    assert.equal(delta('lingua_requests_total', { ...labels, status: '200' }), 3);
    assert.equal(delta('lingua_request_duration_seconds_count', labels), 3);
    assert.equal(delta('lingua_request_duration_seconds_bucket', { ...labels, le: '+Inf' }), 3);
    assert.equal(delta('lingua_time_to_first_token_seconds_count', labels), 3);
    const usage = { model: 'gpt', key_id: 'cfg:team' };
    assert.equal(delta('lingua_input_tokens_total', usage), 30);
    assert.equal(delta('lingua_output_tokens_total', usage), 12);
    // 1 USD and 2 USD per million tokens: 3 × (10 + 4 × 2) µUSD.
    assert.ok(Math.abs(delta('lingua_cost_usd_total', usage) - 54e-6) < 1e-12);
    assert.equal(sampleSum(after, 'lingua_in_flight_requests'), 0);
    assert.ok(sampleSum(after, 'lingua_upstream_connections', { provider: 'up' }) >= 1, 'the upstream pool keeps a connection');
    assert.equal(sampleSum(after, 'lingua_target_usable', { model: 'gpt', provider: 'up' }), 1);
  });

  test('an unknown model and a bad key make no label of their own: model="unknown", model="none"', async () => {
    const before = await scrape();
    assert.equal((await chat('no-such-model-xyz')).status, 404);
    assert.equal((await chat('gpt', 'sk-wrong-key-for-metrics')).status, 401);
    const after = await scrape();
    assert.ok(!after.some((s) => Object.values(s.labels).includes('no-such-model-xyz')), 'the caller\'s model name is never a label');
    const count = (samples: Sample[], model: string, status: string) => sampleSum(samples, 'lingua_requests_total', { model, status, provider: 'none' });
    assert.equal(count(after, 'unknown', '404') - count(before, 'unknown', '404'), 1);
    assert.equal(count(after, 'none', '401') - count(before, 'none', '401'), 1);
    assert.ok(!after.some((s) => Object.values(s.labels).some((v) => v.includes('sk-'))), 'no key in any label');
  });

  test('the metrics listener serves the same text without a key, and nothing else', async () => {
    const r = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(r.status, 200);
    const { samples } = parsePrometheusText(await r.text());
    assert.ok(sampleSum(samples, 'lingua_requests_total', { model: 'gpt', status: '200' }) >= 3);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/admin/health`)).status, 404);
  });

  test('two servers in one process have registries of their own', async () => {
    const other = await startLingua({ admin_key: ADMIN_KEY, providers: [], models: [] });
    try {
      const r = await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const { samples } = parsePrometheusText(await r.text());
      assert.equal(sampleSum(samples, 'lingua_requests_total'), 0);
    } finally {
      await other.close();
    }
  });
});
