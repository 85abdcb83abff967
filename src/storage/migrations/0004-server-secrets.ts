import type { Kysely, Migration } from 'kysely';

/**
 * Secrets the server makes for itself at first start and every instance on
 * the same database shares (the key that seals the Responses API's
 * `encrypted_content`): a name and its value, base64.
 */
export const serverSecrets: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('server_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
