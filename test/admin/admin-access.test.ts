import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { ADMIN_KEY, call, chat } from './admin-suite.js';

const CONFIG_KEY = 'sk-config-key-0123456789';

/** A GET with headers fetch would not send as given (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('who may use the admin API', () => {
  const upstream = new FakeOpenAI();
  const servers: TestServer[] = [];
  let providers: unknown[];
  const start = async (config: Record<string, unknown>) => {
    const s = await startLingua({ keys: [{ name: 'cfg', key: CONFIG_KEY }], providers, models: [{ name: 'm1', provider: 'up' }], ...config });
    servers.push(s);
    return s.url;
  };
  before(async () => { providers = [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'x' }]; });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await upstream.close();
  });

  test('no admin key on a loopback host: requests from this machine only, not from web pages of other sites', async () => {
    const base = await start({});
    const port = new URL(base).port;
    const ok = await call(base, 'POST', '/admin/accounts', { name: 'local' }, null);
    assert.equal(ok.status, 201);
    assert.equal((await call(base, 'GET', '/admin/accounts', undefined, null, { origin: `http://localhost:${port}` })).status, 200);
    const page = await call(base, 'POST', '/admin/keys', { name: 'csrf' }, null, { origin: 'https://evil.example' });
    assert.equal(page.status, 403);
    assert.equal(page.body.error.code, 'admin_key_required');
    assert.match(page.body.error.message, /admin_key/);
    // A DNS-rebinding page reaches 127.0.0.1 under its own host name.
    const rebound = await rawGet(`${base}/admin/keys`, { host: `rebind.example:${port}` });
    assert.equal(rebound.status, 403);
    assert.equal(rebound.body.error.code, 'admin_key_required');
    assert.equal((await rawGet(`${base}/admin/keys`, { host: `[::1]:${port}` })).status, 200);
    assert.deepEqual((await call(base, 'GET', '/admin/keys', undefined, null)).body.data, [], 'the page made no key');
  });

  test('no admin key on a non-loopback host: the admin API is off (403 saying why), callers are still served', async () => {
    const base = await start({ server: { host: '0.0.0.0' } });
    for (const path of ['/admin', '/admin/keys', '/admin/accounts/acct_x']) {
      const r = await call(base, 'GET', path, undefined, null);
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.code, 'admin_api_disabled');
      assert.match(r.body.error.message, /admin_key/);
    }
    assert.equal((await call(base, 'POST', '/admin/keys', { name: 'x' }, ADMIN_KEY)).status, 403);
    assert.equal((await chat(base, CONFIG_KEY)).status, 200);
  });

  test('with an admin key on a non-loopback host it answers; repeated wrong admin keys from one address are refused for a while', async () => {
    const base = await start({ admin_key: ADMIN_KEY, server: { host: '0.0.0.0', auth_failures_per_minute: 3 } });
    assert.equal((await call(base, 'GET', '/admin/keys')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await call(base, 'GET', '/admin/keys', undefined, `wrong-admin-key-${i}`)).status, 401);
    const throttled = await call(base, 'GET', '/admin/keys');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error.code, 'too_many_failed_authentications');
    assert.ok(Number(throttled.headers.get('retry-after')) > 0);
  });
});
