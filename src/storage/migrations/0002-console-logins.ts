import type { Kysely, Migration } from 'kysely';

/**
 * The console's logins (docs/console.md): account members (an email and a
 * scrypt password hash), the invites an operator sends them (a single-use
 * token, stored as its SHA-256, with an expiry) and console sessions (the
 * SHA-256 of the cookie's id, with an expiry). Widest columns first, as in
 * 0001, so that PostgreSQL rows carry no alignment padding.
 */
export const consoleLogins: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('account_members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login_at', 'bigint')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('account_members_account').on('account_members').columns(['account_id', 'created_at']).execute();

    await db.schema
      .createTable('console_invites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('console_invites_account').on('console_invites').columns(['account_id', 'created_at']).execute();

    await db.schema
      .createTable('console_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('member_id', 'text')
      .addColumn('operator_key_hash', 'text')
      .addColumn('playground_key_id', 'text')
      .execute();
    await db.schema.createIndex('console_sessions_expires').on('console_sessions').column('expires_at').execute();
    await db.schema.createIndex('console_sessions_member').on('console_sessions').column('member_id').execute();
  },
};
