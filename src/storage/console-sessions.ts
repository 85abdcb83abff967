import type { Kysely, Selectable } from 'kysely';
import type { ConsoleSessionsTable, Database } from './schema.js';

/** A console login, found by the hash of the id its cookie carries. */
export interface ConsoleSession {
  idHash: string;
  /** Null: the operator's session. */
  memberId: string | null;
  operatorKeyHash: string | null;
  playgroundKeyId: string | null;
  createdAt: number;
  expiresAt: number;
}

export type NewConsoleSession = Pick<ConsoleSession, 'idHash' | 'memberId' | 'operatorKeyHash' | 'expiresAt'>;

export class ConsoleSessionsRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async create(input: NewConsoleSession): Promise<ConsoleSession> {
    const row = await this.db
      .insertInto('console_sessions')
      .values({ id_hash: input.idHash, member_id: input.memberId, operator_key_hash: input.operatorKeyHash, playground_key_id: null, created_at: this.now(), expires_at: input.expiresAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    return sessionFromRow(row);
  }

  async get(idHash: string): Promise<ConsoleSession | undefined> {
    const row = await this.db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return row && sessionFromRow(row);
  }

  /** Records the session's playground key, and returns the one it had before (null: none). */
  async swapPlaygroundKey(idHash: string, keyId: string): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('console_sessions').select('playground_key_id').where('id_hash', '=', idHash).executeTakeFirst();
      await trx.updateTable('console_sessions').set({ playground_key_id: keyId }).where('id_hash', '=', idHash).execute();
      return before?.playground_key_id ?? null;
    });
  }

  /** Ends the session; returns it, or undefined if there was none. */
  async delete(idHash: string): Promise<ConsoleSession | undefined> {
    const row = await this.db.deleteFrom('console_sessions').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
    return row && sessionFromRow(row);
  }

  /** Removes the sessions that have expired; returns them (their playground keys may need revoking). */
  async deleteExpired(): Promise<ConsoleSession[]> {
    const rows = await this.db.deleteFrom('console_sessions').where('expires_at', '<=', this.now()).returningAll().execute();
    return rows.map(sessionFromRow);
  }
}

function sessionFromRow(row: Selectable<ConsoleSessionsTable>): ConsoleSession {
  return {
    idHash: row.id_hash,
    memberId: row.member_id,
    operatorKeyHash: row.operator_key_hash,
    playgroundKeyId: row.playground_key_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
