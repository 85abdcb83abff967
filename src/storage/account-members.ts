import type { Kysely, Selectable } from 'kysely';
import { randomId } from '../lib/ids.js';
import type { AccountMembersTable, Database } from './schema.js';

/** A person who logs in to the console and sees one account: its keys, usage and budget. */
export interface Member {
  /** `mem_` + 16 base-62 characters. */
  id: string;
  accountId: string;
  /** Lower-cased. */
  email: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

/** Emails are compared and stored lower-cased, without surrounding spaces. */
export const normalEmail = (email: string): string => email.trim().toLowerCase();

export class MembersRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async get(id: string): Promise<Member | undefined> {
    const row = await this.db.selectFrom('account_members').selectAll().where('id', '=', id).executeTakeFirst();
    return row && memberFromRow(row);
  }

  async byEmail(email: string): Promise<Member | undefined> {
    const row = await this.db.selectFrom('account_members').selectAll().where('email', '=', normalEmail(email)).executeTakeFirst();
    return row && memberFromRow(row);
  }

  /** The account's members, oldest first. */
  async list(accountId: string): Promise<Member[]> {
    const rows = await this.db.selectFrom('account_members').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map(memberFromRow);
  }

  async touchLogin(id: string): Promise<void> {
    await this.db.updateTable('account_members').set({ last_login_at: this.now() }).where('id', '=', id).execute();
  }

  /** Removes the member and ends its sessions, in one transaction. False if there was no such member. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const deleted = await trx.deleteFrom('account_members').where('id', '=', id).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) return false;
      await trx.deleteFrom('console_sessions').where('member_id', '=', id).execute();
      return true;
    });
  }
}

export function newMemberId(): string {
  return randomId('mem_', 16);
}

export function memberFromRow(row: Selectable<AccountMembersTable>): Member {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}
