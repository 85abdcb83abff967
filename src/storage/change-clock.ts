import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * The `updated_at` of every write to accounts and keys: the clock's time in
 * ms, or one more than the last stamp if that is not later. The stamp is
 * taken by updating the one `change_clock` row inside the writing
 * transaction, so writers queue on that row lock (PostgreSQL) or on the
 * database's write lock (SQLite) and commit in stamp order: a poller asking
 * for rows "changed after the last stamp it saw" can never miss a write
 * that commits later with a smaller stamp. Take it first in a transaction
 * (on SQLite that makes the transaction a writer from its first statement).
 */
export async function nextStamp(trx: Kysely<Database>, now: number): Promise<number> {
  const row = await trx
    .updateTable('change_clock')
    .set({ last_stamp: sql<number>`case when last_stamp + 1 > ${now} then last_stamp + 1 else ${now} end` })
    .where('id', '=', 1)
    .returning('last_stamp')
    .executeTakeFirstOrThrow();
  return row.last_stamp;
}
