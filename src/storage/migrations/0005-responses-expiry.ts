import type { Kysely, Migration } from 'kysely';

/**
 * Stored responses expire (`server.responses_retention_days`): an index on
 * their age, so the sweep that deletes the expired ones reads only those.
 */
export const responsesExpiry: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.createIndex('responses_created').on('responses').column('created_at').execute();
  },
};
