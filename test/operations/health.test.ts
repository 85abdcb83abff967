import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateTestModels, type TestModels } from '../llama-cpp/models.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';

const ADMIN_KEY = 'admin-key-for-health-tests';
const admin = { authorization: `Bearer ${ADMIN_KEY}` };

describe('health: live, ready, and the admin view', () => {
  let models: TestModels;
  const upstream = new FakeOpenAI();
  let upstreamUrl: string;
  let healthy: TestServer;
  let broken: TestServer;

  before(async () => {
    models = await generateTestModels();
    upstreamUrl = await upstream.start();
    const providers = (localModel: string) => [
      { name: 'remote', type: 'openai', base_url: upstreamUrl },
      { name: 'local', type: 'llama-cpp', model: localModel, context_size: 256, parallel: 2, threads: 1 },
    ];
    const modelList = [{ name: 'gpt', provider: 'remote' }, { name: 'tiny', provider: 'local' }];
    healthy = await startLingua({ admin_key: ADMIN_KEY, providers: providers(models.scripted), models: modelList });
    broken = await startLingua({ admin_key: ADMIN_KEY, providers: providers(join(models.dir, 'missing.gguf')), models: modelList });
  });
  after(async () => {
    await healthy.close();
    await broken.close();
    await upstream.close();
    await models.remove();
  });

  test('/health/live and /health answer 200 while the process serves, whatever its models', async () => {
    for (const server of [healthy, broken]) {
      for (const path of ['/health/live', '/health']) {
        const r = await fetch(`${server.url}${path}`);
        assert.equal(r.status, 200, path);
        assert.deepEqual(await r.json(), { status: 'ok' });
      }
    }
  });

  test('/health/ready is 200 when the database answers and every model has a loaded target', async () => {
    const r = await fetch(`${healthy.url}/health/ready`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ready', not_ready: [], database: 'ok', models: { gpt: 'ready', tiny: 'ready' } });
  });

  test('/health/ready is 503 naming the model whose file is missing, without the file path', async () => {
    const r = await fetch(`${broken.url}/health/ready`);
    assert.equal(r.status, 503);
    const body = await r.json() as Record<string, unknown>;
    assert.deepEqual(body, { status: 'not_ready', not_ready: ['model tiny (unavailable)'], database: 'ok', models: { gpt: 'ready', tiny: 'unavailable' } });
    assert.ok(!JSON.stringify(body).includes('missing.gguf'), 'no file paths for anonymous callers');
    assert.equal((await broken.lingua.readiness()).ready, false);
  });

  test('/admin/health needs the admin key', async () => {
    const r = await fetch(`${healthy.url}/admin/health`);
    assert.equal(r.status, 401);
    const wrong = await fetch(`${healthy.url}/admin/health`, { headers: { authorization: 'Bearer not-the-admin-key-at-all' } });
    assert.equal(wrong.status, 401);
  });

  test('/admin/health shows models, targets, providers with their gauges, the platform and the config generation', async () => {
    const r = await fetch(`${healthy.url}/admin/health`, { headers: admin });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const body = await r.json() as {
      ready: boolean; in_flight: number; config: { generation: number; draining: unknown[] };
      platform: { database: { ok: boolean; dialect: string }; redis: unknown; ledger: { queued: number } };
      models: Array<{ name: string; usable: boolean; targets: Array<{ provider: string; upstream_model: string; state: string }> }>;
      providers: Array<{ name: string; type: string; state: string; engine?: { sequences: number; busy: number; queued: number; renders?: number }; connections?: { open: number } }>;
    };
    assert.equal(body.ready, true);
    assert.equal(body.in_flight, 0);
    assert.equal(body.config.generation, 1);
    assert.deepEqual(body.config.draining, []);
    assert.deepEqual(body.platform.database, { dialect: 'sqlite', ok: true });
    assert.equal(body.platform.redis, null);
    assert.deepEqual(body.models.map((m) => [m.name, m.usable, m.targets.map((t) => `${t.provider}/${t.upstream_model}/${t.state}`)]), [
      ['gpt', true, ['remote/gpt/ready']],
      ['tiny', true, ['local/tiny/ready']],
    ]);
    const local = body.providers.find((p) => p.name === 'local')!;
    assert.deepEqual([local.type, local.state, { ...local.engine, renders: undefined }], ['llama-cpp', 'ready', { sequences: 2, busy: 0, queued: 0, renders: undefined }]);
    assert.equal(typeof local.engine!.renders, 'number');
    const remote = body.providers.find((p) => p.name === 'remote')!;
    assert.equal(remote.type, 'openai');
    assert.equal(typeof remote.connections?.open, 'number');
  });

  test('/admin/health of the broken server says why the model cannot serve', async () => {
    const r = await fetch(`${broken.url}/admin/health`, { headers: admin });
    const body = await r.json() as { ready: boolean; not_ready: string[]; models: Array<{ name: string; usable: boolean; targets: Array<{ state: string; message?: string }> }> };
    assert.equal(body.ready, false);
    assert.equal(body.not_ready.length, 1);
    assert.match(body.not_ready[0]!, /^model tiny: .*missing\.gguf/);
    const tiny = body.models.find((m) => m.name === 'tiny')!;
    assert.equal(tiny.usable, false);
    assert.equal(tiny.targets[0]!.state, 'unavailable');
    assert.match(tiny.targets[0]!.message!, /missing\.gguf/);
  });
});
