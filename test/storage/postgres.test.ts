import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStorage } from '../../src/storage/index.js';
import { freshPostgresSchema, postgresBaseUrl, postgresSkip, uniqueName } from '../support/services.js';
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
        assert.deepEqual(applied.flat(), ['0001-initial', '0002-console-logins', '0003-responses', '0004-server-secrets', '0005-responses-expiry'], 'one of them applied the migrations, the other found them done');
        assert.equal(applied.filter((a) => a.length > 0).length, 1);
        const { rows } = await sql<{ table_name: string }>`
          select table_name from information_schema.tables where table_schema = ${fresh.schema} order by table_name`.execute(both[0]!.db);
        assert.deepEqual(rows.map((r) => r.table_name), [
          'account_members', 'accounts', 'api_keys', 'change_clock', 'console_invites', 'console_sessions', 'kysely_migration', 'kysely_migration_lock', 'responses',
          'server_secrets', 'usage_daily', 'usage_hourly', 'usage_records',
        ]);
        const migrations = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(both[1]!.db);
        assert.equal(migrations.rows[0]?.n, 5);
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

  test('another tenant dropping its schema meanwhile fails no migration, and only this schema\'s tables are introspected', async () => {
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: postgresBaseUrl });
    await admin.connect();
    // Another tenant of the database makes and drops schemas all along (Kysely's own introspector read them all, by name, and failed).
    let churning = true;
    const other = uniqueName('other');
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        await admin.query(`create schema ${other}_${i}; create table ${other}_${i}.t (id serial primary key)`);
        await admin.query(`drop schema ${other}_${i} cascade`);
      }
    })();
    try {
      for (let round = 0; round < 8; round++) {
        const fresh = await freshPostgresSchema();
        try {
          const s = await openStorage({ databaseUrl: fresh.url, dataDir: '/nonexistent', logger: capturedLogger().logger });
          try {
            const tables = await s.db.introspection.getTables();
            assert.ok(tables.every((t) => t.schema === fresh.schema), JSON.stringify(tables.map((t) => `${t.schema}.${t.name}`)));
            assert.ok(tables.some((t) => t.name === 'accounts') && !tables.some((t) => t.name === 'kysely_migration'));
            const withInternal = await s.db.introspection.getTables({ withInternalKyselyTables: true });
            assert.ok(withInternal.some((t) => t.name === 'kysely_migration'));
            const usage = withInternal.find((t) => t.name === 'usage_records')!;
            assert.equal(usage.columns[0]?.isAutoIncrementing, true, 'the identity column');
          } finally {
            await s.close();
          }
        } finally {
          await fresh.drop();
        }
      }
    } finally {
      churning = false;
      await churn;
      await admin.end();
    }
  });
});
