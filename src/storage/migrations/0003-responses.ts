import type { Kysely, Migration } from 'kysely';

/**
 * The Responses API's state (docs/responses.md): a stored response with its
 * input items, scoped to the account of the key that made it ('' for a
 * server without keys). JSON values are text, as in 0001.
 */
export const responses: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('previous_response_id', 'text')
      .addColumn('response', 'text', (c) => c.notNull())
      .addColumn('input_items', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('responses_account').on('responses').columns(['account_id', 'created_at']).execute();
  },
};
