import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteAdapter, SqliteDialect, sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type DialectAdapter } from 'kysely';
import pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { CurrentSchemaPostgresDialect } from './postgres-introspector.js';
import type { Statement } from './row-statements.js';
import type { Database } from './schema.js';

/**
 * Everything that differs between SQLite and PostgreSQL, in one place:
 * opening a connection, running the ledger's cached statements, the usage
 * table's surrogate key, where the migration tables live, and which errors
 * mean "try again". Queries
 * themselves are the same on both (row values, `ON CONFLICT`, `RETURNING`,
 * `UPDATE … FROM`, integer columns).
 */
export type DialectName = 'sqlite' | 'postgres';

export interface Opened {
  db: Kysely<Database>;
  dialect: DialectName;
  run: StatementRunner;
}

/** Runs compiled statements in one transaction, in order (usage-insert.ts's multi-row statements); all or none. */
export type StatementRunner = (db: Kysely<Database>, statements: Iterable<Statement>) => Promise<void>;

/** A SQLite file in WAL mode: commits survive a killed process; synchronous=NORMAL only risks the last ones on power loss. */
export function openSqlite(file: string): Opened {
  const database = new SqliteDatabase(file);
  // First, so that switching to WAL waits for another process that is opening the file too.
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // The few statement texts the ledger uses (one per chunk size), prepared once, and run in one
  // synchronous better-sqlite3 transaction (its BEGIN and COMMIT prepared once too): going through
  // Kysely's, which prepares BEGIN and COMMIT anew each time, cost ~100 µs per commit.
  const prepared = new Map<string, SqliteDatabase.Statement>();
  const write = database.transaction((statements: Iterable<Statement>) => {
    for (const { sql: text, parameters } of statements) {
      let statement = prepared.get(text);
      if (statement === undefined) prepared.set(text, (statement = database.prepare(text)));
      // Arguments bind about three times faster than one array argument.
      statement.run(...parameters);
    }
  });
  // SQLite has one connection: holding it through Kysely keeps any Kysely transaction (open across
  // awaits) from interleaving; inside, the whole write is synchronous.
  const run: StatementRunner = (db, statements) => db.connection().execute(async () => { write.immediate(statements); });
  return { db: new Kysely<Database>({ dialect: new TransactionalDdlSqliteDialect({ database }) }), dialect: 'sqlite', run };
}

/**
 * SQLite has transactional DDL; Kysely's adapter does not claim it, so
 * each migration run would not be one transaction. With it, a second
 * process migrating the same file at once fails with SQLITE_BUSY and
 * retries (migrate.ts) instead of finding half a schema.
 */
class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * PostgreSQL through a pg pool. 64-bit integers (times, nano-USD) and the
 * numeric results of SUM() come back as JS numbers rather than strings:
 * every figure Lingua stores is far below 2^53. The parsers are this
 * pool's own, not pg's global ones.
 */
export function openPostgres(url: string, logger: Logger): Opened {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    types: { getTypeParser: numbersAsNumbers },
  });
  // An idle client's error (the server restarted) is emitted on the pool; unhandled, it would end the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'storage: an idle PostgreSQL connection failed'));
  const run: StatementRunner = (db, statements) => db.transaction().execute(async (trx) => {
    for (const { sql: text, parameters } of statements) await trx.executeQuery(CompiledQuery.raw(text, parameters as unknown[]));
  });
  return { db: new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) }), dialect: 'postgres', run };
}

const INT8 = 20;
const NUMERIC = 1700;
const numbersAsNumbers = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8 || oid === NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser;

/** The usage table's key: SQLite's rowid alias, a PostgreSQL identity column. */
export function surrogateKey(dialect: DialectName): [type: 'integer' | 'bigint', build: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return dialect === 'sqlite'
    ? ['integer', (col) => col.primaryKey()]
    : ['bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity()];
}

/**
 * Rollup tables, whose rows are found and updated by primary key: SQLite
 * stores them in primary-key order (WITHOUT ROWID), one B-tree instead of
 * a table and an index; PostgreSQL has no such option.
 */
export function clusteredByPrimaryKey(dialect: DialectName): <T extends CreateTableBuilder<any, any>>(t: T) => T {
  return (t) => (dialect === 'sqlite' ? (t.modifyEnd(sql`without rowid`) as typeof t) : t);
}

/**
 * The schema Kysely's migration tables go in: PostgreSQL's current one
 * (the search_path), named explicitly because Kysely otherwise looks for
 * them in every schema of the database and finds another tenant's.
 */
export async function migrationSchema(db: Kysely<Database>, dialect: DialectName): Promise<string | undefined> {
  if (dialect === 'sqlite') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null) throw new Error('storage: PostgreSQL has no current schema (check search_path)');
  return schema;
}

/** SQLite's "the database is locked by another connection" family; worth retrying. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * The database refused the data itself (a constraint, a value it cannot
 * store), so trying the same rows again cannot help; anything else (a lost
 * connection, a lock, a full disk, a server shutting down) may pass.
 */
export function isDataError(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return true; // better-sqlite3 refusing to bind a value
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  if (code.startsWith('SQLITE_')) return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE';
  // PostgreSQL SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
  return /^2[23][0-9A-Z]{3}$/.test(code);
}
