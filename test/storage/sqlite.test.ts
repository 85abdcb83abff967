import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStorage, SQLITE_FILE } from '../../src/storage/index.js';
import { capturedLogger } from './support/records.js';
import { storageContract } from './storage-contract.js';

const root = await mkdtemp(join(tmpdir(), 'lingua-storage-'));
after(() => rm(root, { recursive: true, force: true }));

describe('storage on SQLite', () => {
  const dataDir = join(root, 'contract');
  storageContract((options = {}) => openStorage({ dataDir, logger: capturedLogger().logger, ...options }));
});

describe('SQLite specifics', () => {
  test('the data directory and its parents are created at first start, the file in WAL mode', async () => {
    const dataDir = join(root, 'a', 'b', 'data');
    const log = capturedLogger();
    const s = await openStorage({ dataDir, logger: log.logger });
    try {
      assert.equal(s.dialect, 'sqlite');
      assert.ok(existsSync(join(dataDir, SQLITE_FILE)));
      assert.equal(statSync(dataDir).mode & 0o777, 0o700, 'only the owner reads the key hashes');
      const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(s.db);
      assert.equal(rows[0]?.journal_mode, 'wal');
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(s.db);
      assert.equal(sync.rows[0]?.synchronous, 1, 'NORMAL');
      assert.deepEqual(log.lines.filter((l) => l.msg === 'storage: migration applied').map((l) => l.migration), ['0001-initial', '0002-console-logins', '0003-responses', '0004-server-secrets', '0005-responses-expiry']);
    } finally {
      await s.close();
    }
  });

  test('a second start finds the schema and applies nothing', async () => {
    const dataDir = join(root, 'again');
    await (await openStorage({ dataDir, logger: capturedLogger().logger })).close();
    const log = capturedLogger();
    const s = await openStorage({ dataDir, logger: log.logger });
    await s.close();
    assert.deepEqual(log.lines.filter((l) => l.msg === 'storage: migration applied'), []);
  });

  test('processes starting at once on a new file: all start, the schema is migrated once', async () => {
    const dataDir = join(root, 'racing');
    const child = fileURLToPath(new URL('./support/open-child.js', import.meta.url));
    const outputs = await Promise.all([1, 2, 3].map(() => promisify(execFile)(process.execPath, [child, dataDir])));
    const applied = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
    assert.deepEqual(applied, ['0001-initial', '0002-console-logins', '0003-responses', '0004-server-secrets', '0005-responses-expiry'], 'one process applied the migrations');
    const s = await openStorage({ dataDir, logger: capturedLogger().logger });
    try {
      assert.equal((await s.accounts.list()).length, 3, 'each wrote to the one database');
    } finally {
      await s.close();
    }
  });

  test('a database_url that is not PostgreSQL is refused with a message that says what to do', async () => {
    await assert.rejects(openStorage({ databaseUrl: 'mysql://x', dataDir: root, logger: capturedLogger().logger }), /database_url must be a postgres:\/\/ URL/);
  });
});
