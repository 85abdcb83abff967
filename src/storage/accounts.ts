import type { Kysely, Selectable } from 'kysely';
import { randomId } from '../lib/ids.js';
import { nextStamp } from './change-clock.js';
import { limitsFromRow, limitsToRow, noLimits, type Limits } from './limits-columns.js';
import type { AccountStatus, AccountsTable, Database } from './schema.js';

/** A person or a team: owns keys, and has limits and a budget of its own. */
export interface Account extends Limits {
  /** `acct_` + 16 base-62 characters. */
  id: string;
  name: string;
  email: string | null;
  status: AccountStatus;
  createdAt: number;
  /** A change stamp (ms, strictly increasing over all account and key writes): pass the largest seen to `changedSince`. */
  updatedAt: number;
}

export interface NewAccount extends Partial<Limits> {
  name: string;
  email?: string | null;
  status?: AccountStatus;
}

/** Fields to change; absent ones stay as they are, `null` clears a nullable one. */
export type AccountPatch = Partial<NewAccount>;

export class AccountsRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async create(input: NewAccount): Promise<Account> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      const row = await trx
        .insertInto('accounts')
        .values({
          ...noLimits,
          ...limitsToRow(input),
          id: randomId('acct_', 16),
          name: input.name,
          email: input.email ?? null,
          status: input.status ?? 'active',
          created_at: now,
          updated_at: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return accountFromRow(row);
    });
  }

  async get(id: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && accountFromRow(row);
  }

  /** Every account, oldest first. */
  async list(): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(accountFromRow);
  }

  /** The changed account, or undefined if there is none with this id. */
  async update(id: string, patch: AccountPatch): Promise<Account | undefined> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      const row = await trx
        .updateTable('accounts')
        .set({
          ...limitsToRow(patch),
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.email !== undefined && { email: patch.email }),
          ...(patch.status !== undefined && { status: patch.status }),
          updated_at: stamp,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && accountFromRow(row);
    });
  }

  /**
   * Deletes the account and revokes its keys in the same transaction (a
   * revocation is a change the key cache sees; a vanished row would not
   * be). The keys keep their account id, as the usage records do.
   * False if there was no such account.
   */
  async delete(id: string): Promise<boolean> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      const deleted = await trx.deleteFrom('accounts').where('id', '=', id).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) return false;
      await trx
        .updateTable('api_keys')
        .set({ revoked_at: now, updated_at: stamp })
        .where('account_id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return true;
    });
  }

  /** Accounts written after change stamp `stamp` (their `updatedAt`), in stamp order: for polling caches. */
  async changedSince(stamp: number): Promise<Account[]> {
    const rows = await this.db.selectFrom('accounts').selectAll().where('updated_at', '>', stamp).orderBy('updated_at').execute();
    return rows.map(accountFromRow);
  }
}

function accountFromRow(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    status: row.status,
    ...limitsFromRow(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
