import { Migrator, type Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../lib/logger.js';
import { isBusy, migrationSchema, type DialectName } from './dialect.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

const BUSY_RETRIES = 20;

/**
 * Brings the schema to the latest migration, all pending ones in one
 * transaction. Instances starting at once do not race: on PostgreSQL
 * Kysely's Migrator holds an advisory lock while it migrates, and the
 * others wait for it, then find nothing left to do; on SQLite the loser of
 * the write lock gets SQLITE_BUSY and tries again.
 */
export async function migrate(db: Kysely<Database>, dialect: DialectName, logger: Logger): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableSchema: await migrationSchema(db, dialect),
  });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Success') logger.info({ migration: r.migrationName }, 'storage: migration applied');
    }
    if (error === undefined) return;
    if (isBusy(error) && attempt < BUSY_RETRIES) {
      await sleep(25 + Math.random() * 100);
      continue;
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`storage: migrating the database failed${failed ? ` at ${failed}` : ''}: ${(error as Error).message ?? error}`, { cause: error });
  }
}
