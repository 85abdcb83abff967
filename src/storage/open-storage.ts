import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/logger.js';
import { MembersRepo } from './account-members.js';
import { AccountsRepo } from './accounts.js';
import { ApiKeysRepo } from './api-keys.js';
import { InvitesRepo } from './console-invites.js';
import { ConsoleSessionsRepo } from './console-sessions.js';
import { openPostgres, openSqlite, type DialectName, type Opened } from './dialect.js';
import { LedgerWriter, type LedgerOptions } from './ledger-writer.js';
import { migrate } from './migrate.js';
import { ResponsesRepo } from './responses.js';
import type { Database } from './schema.js';
import { ServerSecretsRepo } from './server-secrets.js';
import { UsageInserter } from './usage-insert.js';
import { UsageQueries } from './usage-queries.js';
import type { UsageRecord } from './usage-record.js';

export interface StorageOptions {
  /** A `postgres://` (or `postgresql://`) URL; without one, SQLite in `dataDir`. */
  databaseUrl?: string;
  /** Where the SQLite file `lingua.db` lives (created, with its parents, at first start). */
  dataDir: string;
  logger: Logger;
  ledger?: LedgerOptions;
  /** The clock for created_at and the like (tests). */
  now?: () => number;
  /** Days a stored response (Responses API) is kept; 0 until it is deleted. Default 30, OpenAI's. */
  responsesRetentionDays?: number;
}

export interface Storage {
  db: Kysely<Database>;
  dialect: DialectName;
  accounts: AccountsRepo;
  keys: ApiKeysRepo;
  usage: UsageQueries;
  /** The console's logins: account members, their invites, sessions (docs/console.md). */
  members: MembersRepo;
  invites: InvitesRepo;
  sessions: ConsoleSessionsRepo;
  /** Responses kept with `store: true` (the Responses API's state). */
  responses: ResponsesRepo;
  /** Secrets the server made for itself, shared by the instances on this database. */
  secrets: ServerSecretsRepo;
  /** Writes usage records now, in one transaction with their rollups (what a LedgerWriter commit does). */
  insertUsage(records: readonly UsageRecord[]): Promise<void>;
  /** The usage ledger's batched writer on this database. */
  ledger: LedgerWriter;
  /** Flushes the ledger (see LedgerWriter.close), then closes the database. */
  close(): Promise<void>;
}

export const SQLITE_FILE = 'lingua.db';

/** Opens the database and migrates it to the latest schema. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const { logger } = options;
  const opened = open(options);
  try {
    await migrate(opened.db, opened.dialect, logger);
  } catch (err) {
    await opened.db.destroy();
    throw err;
  }
  const now = options.now ?? Date.now;
  const inserter = new UsageInserter(opened.db, opened.run);
  const insertUsage = (records: readonly UsageRecord[]) => inserter.insert(records);
  const ledger = new LedgerWriter({ insertUsage }, logger, options.ledger);
  const responses = new ResponsesRepo(opened.db, { days: options.responsesRetentionDays ?? 30, now, logger });
  let closing: Promise<void> | undefined;
  return {
    db: opened.db,
    dialect: opened.dialect,
    insertUsage,
    accounts: new AccountsRepo(opened.db, now),
    keys: new ApiKeysRepo(opened.db, now),
    usage: new UsageQueries(opened.db),
    members: new MembersRepo(opened.db, now),
    invites: new InvitesRepo(opened.db, now),
    sessions: new ConsoleSessionsRepo(opened.db, now),
    responses,
    secrets: new ServerSecretsRepo(opened.db, now),
    ledger,
    close: () => (closing ??= Promise.all([ledger.close(), responses.settled()]).finally(() => opened.db.destroy()).then(() => undefined)),
  };
}

function open(options: StorageOptions): Opened {
  const url = options.databaseUrl;
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('database_url must be a postgres:// URL (leave it out to use SQLite in the data directory)');
    options.logger.info({ dialect: 'postgres' }, 'storage: opening PostgreSQL');
    return openPostgres(url, options.logger);
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, SQLITE_FILE);
  options.logger.info({ dialect: 'sqlite', file }, 'storage: opening SQLite');
  return openSqlite(file);
}
