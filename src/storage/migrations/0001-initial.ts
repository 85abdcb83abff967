import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import { clusteredByPrimaryKey, surrogateKey, type DialectName } from '../dialect.js';
import { bucketColumns, ROLLUPS } from '../schema.js';

/**
 * Accounts, API keys, the usage ledger and its hourly and daily rollups. Column
 * types are the same words on both databases (SQLite gives `bigint` and
 * `smallint` integer affinity); only the usage table's key differs. On
 * PostgreSQL, columns go widest first, so that rows carry no alignment padding.
 */
export function initial(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .$call(limitColumns)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await db.schema.createIndex('accounts_updated').on('accounts').column('updated_at').execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('previous_expires_at', 'bigint')
        .$call(limitColumns)
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('previous_hash', 'text')
        .addColumn('start', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('models', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema.createIndex('api_keys_updated').on('api_keys').column('updated_at').execute();
      await db.schema.createIndex('api_keys_account').on('api_keys').columns(['account_id', 'created_at']).execute();

      const [idType, idColumn] = surrogateKey(dialect);
      await db.schema
        .createTable('usage_records')
        .addColumn('id', idType, idColumn)
        .addColumn('ts', 'bigint', (c) => c.notNull())
        .addColumn('cost', 'bigint', (c) => c.notNull())
        .addColumn('input_tokens', 'integer', (c) => c.notNull())
        .addColumn('cached_input_tokens', 'integer', (c) => c.notNull())
        .addColumn('output_tokens', 'integer', (c) => c.notNull())
        .addColumn('reasoning_tokens', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', 'integer', (c) => c.notNull())
        .addColumn('ttft_ms', 'integer')
        .addColumn('status', 'smallint', (c) => c.notNull())
        .addColumn('attempts', 'smallint', (c) => c.notNull())
        .addColumn('stream', 'smallint', (c) => c.notNull())
        .addColumn('estimated', 'smallint', (c) => c.notNull())
        .addColumn('unpriced', 'smallint', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('key_id', 'text')
        .addColumn('model', 'text')
        .addColumn('provider', 'text')
        .addColumn('upstream_model', 'text')
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('error_kind', 'text')
        .addColumn('end_user', 'text')
        .execute();
      // Newest first, overall and per key / per account (keyset pagination on (ts, id)); retention deletes by ts.
      await db.schema.createIndex('usage_records_ts').on('usage_records').columns(['ts', 'id']).execute();
      await db.schema.createIndex('usage_records_key_ts').on('usage_records').columns(['key_id', 'ts', 'id']).execute();
      await db.schema.createIndex('usage_records_account_ts').on('usage_records').columns(['account_id', 'ts', 'id']).execute();

      for (const { table } of ROLLUPS) {
        let rollups = db.schema
          .createTable(table)
          .addColumn('start', 'bigint', (c) => c.notNull())
          .addColumn('requests', 'bigint', (c) => c.notNull())
          .addColumn('errors', 'bigint', (c) => c.notNull())
          .addColumn('unpriced', 'bigint', (c) => c.notNull())
          .addColumn('input_tokens', 'bigint', (c) => c.notNull())
          .addColumn('cached_input_tokens', 'bigint', (c) => c.notNull())
          .addColumn('output_tokens', 'bigint', (c) => c.notNull())
          .addColumn('reasoning_tokens', 'bigint', (c) => c.notNull())
          .addColumn('cost', 'bigint', (c) => c.notNull())
          .addColumn('ttft_count', 'bigint', (c) => c.notNull());
        for (const col of [...bucketColumns('lat_'), ...bucketColumns('ttft_')]) {
          rollups = rollups.addColumn(col, 'integer', (c) => c.notNull().defaultTo(0));
        }
        await rollups
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['start', 'key_id', 'model', 'account_id'])
          .$call(clusteredByPrimaryKey(dialect))
          .execute();
        // Budgets and per-key / per-account summaries over a period.
        await db.schema.createIndex(`${table}_key`).on(table).columns(['key_id', 'start']).execute();
        await db.schema.createIndex(`${table}_account`).on(table).columns(['account_id', 'start']).execute();
      }

      await db.schema
        .createTable('change_clock')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('last_stamp', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into change_clock (id, last_stamp) values (1, 0)`.execute(db);
    },
  };
}

/** The limits, budget and metadata columns of accounts and keys. */
function limitColumns<T extends string>(t: CreateTableBuilder<T, never>): CreateTableBuilder<T, never> {
  return t
    .addColumn('budget', 'bigint')
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('max_concurrency', 'integer')
    .addColumn('budget_period', 'text')
    .addColumn('metadata', 'text');
}
