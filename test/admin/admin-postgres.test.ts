import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { ADMIN_KEY, adminSuite, call, chat, chatUntil } from './admin-suite.js';

const skip = await postgresSkip();

adminSuite('PostgreSQL', async () => {
  const schema = await freshPostgresSchema();
  return { database_url: schema.url, close: () => schema.drop() };
}, { skip });

describe('the admin API of one instance, the keys of another (one PostgreSQL)', { skip }, () => {
  const upstream = new FakeOpenAI();
  let schema: Awaited<ReturnType<typeof freshPostgresSchema>>;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    schema = await freshPostgresSchema();
    const config = {
      admin_key: ADMIN_KEY,
      database_url: schema.url,
      keys: [{ name: 'cfg', key: 'sk-config-key-0123456789' }],
      server: { auth_failures_per_minute: 100_000 },
      providers: [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'x' }],
      models: [{ name: 'm1', provider: 'up' }],
    };
    [a, b] = await Promise.all([startLingua(config), startLingua(config)]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await upstream.close();
    await schema?.drop();
  });

  test('created, rotated and revoked through one instance: the other follows', async () => {
    const created = await call(a.url, 'POST', '/admin/keys', { name: 'shared' });
    assert.equal(created.status, 201);
    assert.equal((await chat(b.url, created.body.key)).status, 200);
    const rotated = await call(a.url, 'POST', `/admin/keys/${created.body.id}/rotate`);
    await chatUntil(b.url, rotated.body.key, 200);
    assert.equal((await chat(b.url, created.body.key)).status, 401);
    assert.equal((await call(b.url, 'DELETE', `/admin/keys/${created.body.id}`)).status, 200);
    assert.equal((await chatUntil(a.url, rotated.body.key, 401)).body.error.code, 'revoked_api_key');
    assert.equal((await call(a.url, 'GET', `/admin/keys/${created.body.id}`)).body.status, 'revoked');
  });
});
