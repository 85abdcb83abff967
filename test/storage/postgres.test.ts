import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStorage } from '../../src/storage/index.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { capturedLogger } from './support/records.js';
import { storageContract } from './storage-contract.js';

const skip = await postgresSkip();

describe('storage on PostgreSQL', { skip }, () => {
  let schema: Awaited<ReturnType<typeof freshPostgresSchema>>;
  before(async () => { schema = await freshPostgresSchema(); });
  after(() => schema?.drop());
  storageContract((options = {}) => openStorage({ databaseUrl: schema.url, dataDir: '/nonexistent', logger: capturedLogger().logger, ...options }));
});

describe('PostgreSQL specifics', { skip }, () => {
  test('two instances starting at once against a fresh schema both migrate it, once', async () => {
    const fresh = await freshPostgresSchema();
    try {
      const logs = [capturedLogger(), capturedLogger()];
      const both = await Promise.all(logs.map((l) => openStorage({ databaseUrl: fresh.url, dataDir: '/nonexistent', logger: l.logger })));
      try {
        assert.deepEqual(both.map((s) => s.dialect), ['postgres', 'postgres']);
        const applied = logs.map((l) => l.lines.filter((x) => x.msg === 'storage: migration applied').map((x) => x.migration));
        assert.deepEqual(applied.flat(), ['0001-initial', '0002-console-logins', '0003-responses', '0004-server-secrets'], 'one of them applied the migrations, the other found them done');
        assert.equal(applied.filter((a) => a.length > 0).length, 1);
        const { rows } = await sql<{ table_name: string }>`
          select table_name from information_schema.tables where table_schema = ${fresh.schema} order by table_name`.execute(both[0]!.db);
        assert.deepEqual(rows.map((r) => r.table_name), [
          'account_members', 'accounts', 'api_keys', 'change_clock', 'console_invites', 'console_sessions', 'kysely_migration', 'kysely_migration_lock', 'responses',
          'server_secrets', 'usage_daily', 'usage_hourly', 'usage_records',
        ]);
        const migrations = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(both[1]!.db);
        assert.equal(migrations.rows[0]?.n, 4);
        // Both work on the one schema.
        const a = await both[0]!.accounts.create({ name: 'shared' });
        assert.equal((await both[1]!.accounts.get(a.id))?.name, 'shared');
      } finally {
        await Promise.all(both.map((s) => s.close()));
      }
    } finally {
      await fresh.drop();
    }
  });

  test('64-bit figures come back as numbers', async () => {
    const fresh = await freshPostgresSchema();
    const s = await openStorage({ databaseUrl: fresh.url, dataDir: '/nonexistent', logger: capturedLogger().logger });
    try {
      const a = await s.accounts.create({ name: 'big', budget: 9_000_000_000_000_000 });
      assert.equal((await s.accounts.get(a.id))?.budget, 9_000_000_000_000_000);
    } finally {
      await s.close();
      await fresh.drop();
    }
  });
});
