import type { Kysely, Selectable } from 'kysely';
import { randomId } from '../lib/ids.js';
import { memberFromRow, newMemberId, normalEmail, type Member } from './account-members.js';
import type { ConsoleInvitesTable, Database } from './schema.js';

/** An invite to an account's console: its token is only ever stored as a hash. */
export interface Invite {
  /** `inv_` + 16 base-62 characters. */
  id: string;
  tokenHash: string;
  accountId: string;
  /** Lower-cased. */
  email: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface NewInvite {
  tokenHash: string;
  accountId: string;
  email: string;
  expiresAt: number;
}

/**
 * What redeeming an invite came to: the member (created, or given a new
 * password when the email already was one of this account's), or why not.
 */
export type Redeemed =
  | { outcome: 'ok'; member: Member; created: boolean }
  | { outcome: 'not_found' | 'used' | 'expired' }
  | { outcome: 'other_account' };

export class InvitesRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async create(input: NewInvite): Promise<Invite> {
    const row = await this.db
      .insertInto('console_invites')
      .values({
        id: randomId('inv_', 16),
        token_hash: input.tokenHash,
        account_id: input.accountId,
        email: normalEmail(input.email),
        created_at: this.now(),
        expires_at: input.expiresAt,
        used_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return inviteFromRow(row);
  }

  async byToken(tokenHash: string): Promise<Invite | undefined> {
    const row = await this.db.selectFrom('console_invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && inviteFromRow(row);
  }

  /** The account's invites, newest first. */
  async list(accountId: string): Promise<Invite[]> {
    const rows = await this.db.selectFrom('console_invites').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(inviteFromRow);
  }

  /** Withdraws an invite not used yet. False if there is no such unused invite. */
  async withdraw(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('console_invites').where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
    return deleted.numDeletedRows > 0n;
  }

  /**
   * Uses the invite once, in one transaction: it is marked used, and its
   * email becomes a member of its account with `passwordHash` (a member of
   * that account already gets the new password). An email that is a
   * member of another account is refused, and the invite stays unused.
   */
  async redeem(tokenHash: string, passwordHash: string): Promise<Redeemed> {
    const now = this.now();
    return this.db.transaction().execute(async (trx): Promise<Redeemed> => {
      const invite = await trx.selectFrom('console_invites').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (invite === undefined) return { outcome: 'not_found' };
      if (invite.used_at !== null) return { outcome: 'used' };
      if (invite.expires_at <= now) return { outcome: 'expired' };
      const existing = await trx.selectFrom('account_members').selectAll().where('email', '=', invite.email).executeTakeFirst();
      if (existing !== undefined && existing.account_id !== invite.account_id) return { outcome: 'other_account' };
      const used = await trx.updateTable('console_invites').set({ used_at: now }).where('id', '=', invite.id).where('used_at', 'is', null).executeTakeFirst();
      if (used.numUpdatedRows === 0n) return { outcome: 'used' };
      if (existing !== undefined) {
        const row = await trx
          .updateTable('account_members')
          .set({ password_hash: passwordHash, updated_at: now })
          .where('id', '=', existing.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        // A new password ends the sessions made with the old one.
        await trx.deleteFrom('console_sessions').where('member_id', '=', existing.id).execute();
        return { outcome: 'ok', member: memberFromRow(row), created: false };
      }
      const row = await trx
        .insertInto('account_members')
        .values({ id: newMemberId(), account_id: invite.account_id, email: invite.email, password_hash: passwordHash, created_at: now, updated_at: now, last_login_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { outcome: 'ok', member: memberFromRow(row), created: true };
    });
  }
}

function inviteFromRow(row: Selectable<ConsoleInvitesTable>): Invite {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    accountId: row.account_id,
    email: row.email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
