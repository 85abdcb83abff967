import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Secrets the server makes for itself: the first instance to ask for one
 * makes it, every other instance on the same database reads that one, and
 * it survives restarts.
 */
export class ServerSecretsRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  /** The secret called `name`, made now (`bytes` random bytes) if there is none yet. */
  async getOrCreate(name: string, bytes: number): Promise<Buffer> {
    // Two instances starting at once both insert; the first one wins and both read it.
    await this.db.insertInto('server_secrets')
      .values({ name, created_at: this.now(), value: randomBytes(bytes).toString('base64') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'base64');
  }
}
