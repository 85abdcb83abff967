import { sql, type Kysely, type Selectable } from 'kysely';
import { nextStamp } from './change-clock.js';
import { UnknownAccountError } from './errors.js';
import { limitsFromRow, limitsToRow, noLimits, type Limits } from './limits-columns.js';
import type { ApiKeysTable, Database } from './schema.js';

/**
 * A caller's key. Its public id is stable (it survives rotation) and is
 * what lists, logs and usage records show; the secret itself is never
 * stored, only the hex SHA-256 of the whole key string.
 */
export interface ApiKey extends Limits {
  /** 12 base-62 characters. */
  id: string;
  /** A non-secret prefix for lists, e.g. `sk-lingua-<id>`. */
  start: string;
  accountId: string | null;
  name: string;
  /** Exact model names and globs; empty = every model. */
  models: string[];
  expiresAt: number | null;
  revokedAt: number | null;
  secretHash: string;
  /** The hash of the secret before the last rotation, valid until `previousExpiresAt`. */
  previousHash: string | null;
  previousExpiresAt: number | null;
  createdAt: number;
  /** A change stamp (ms, strictly increasing over all account and key writes); `touchLastUsed` does not move it. */
  updatedAt: number;
  lastUsedAt: number | null;
}

export interface NewApiKey extends Partial<Limits> {
  id: string;
  secretHash: string;
  start: string;
  name: string;
  accountId?: string | null;
  models?: string[];
  expiresAt?: number | null;
}

/** Fields to change; absent ones stay as they are, `null` clears a nullable one. */
export type ApiKeyPatch = Partial<Pick<NewApiKey, 'name' | 'accountId' | 'models' | 'expiresAt'> & Limits>;

/** last_used_at pairs per statement in touchLastUsed. */
const TOUCH_CHUNK = 500;

export class ApiKeysRepo {
  constructor(private readonly db: Kysely<Database>, private readonly now: () => number) {}

  /** Throws UnknownAccountError if `accountId` names no account. */
  async create(input: NewApiKey): Promise<ApiKey> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      if (input.accountId != null) await mustExist(trx, input.accountId);
      const row = await trx
        .insertInto('api_keys')
        .values({
          ...noLimits,
          ...limitsToRow(input),
          id: input.id,
          secret_hash: input.secretHash,
          previous_hash: null,
          previous_expires_at: null,
          start: input.start,
          account_id: input.accountId ?? null,
          name: input.name,
          models: JSON.stringify(input.models ?? []),
          expires_at: input.expiresAt ?? null,
          revoked_at: null,
          created_at: now,
          updated_at: stamp,
          last_used_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return keyFromRow(row);
    });
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row && keyFromRow(row);
  }

  /** Keys (revoked ones included), oldest first; of one account if given. */
  async list(filter: { accountId?: string } = {}): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .$if(filter.accountId !== undefined, (q) => q.where('account_id', '=', filter.accountId!))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(keyFromRow);
  }

  /** The changed key, or undefined if there is none with this id. Throws UnknownAccountError for a new account that does not exist. */
  async update(id: string, patch: ApiKeyPatch): Promise<ApiKey | undefined> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      if (patch.accountId != null) await mustExist(trx, patch.accountId);
      const row = await trx
        .updateTable('api_keys')
        .set({
          ...limitsToRow(patch),
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.accountId !== undefined && { account_id: patch.accountId }),
          ...(patch.models !== undefined && { models: JSON.stringify(patch.models) }),
          ...(patch.expiresAt !== undefined && { expires_at: patch.expiresAt }),
          updated_at: stamp,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && keyFromRow(row);
    });
  }

  /** Marks the key revoked (now); a key revoked before keeps its time. Undefined if there is no such key. */
  async revoke(id: string): Promise<ApiKey | undefined> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      const row = await trx
        .updateTable('api_keys')
        .set({ revoked_at: now, updated_at: stamp })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (row) return keyFromRow(row);
      const existing = await trx.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return existing && keyFromRow(existing);
    });
  }

  /**
   * A new secret for the same id. With `graceUntil` (ms), the current
   * secret becomes the previous one, accepted until then; with null it
   * stops working at once. Undefined if there is no such key.
   */
  async rotate(id: string, newHash: string, graceUntil: number | null): Promise<ApiKey | undefined> {
    const now = this.now();
    return this.db.transaction().execute(async (trx) => {
      const stamp = await nextStamp(trx, now);
      const row = await trx
        .updateTable('api_keys')
        .set((eb) => ({
          previous_hash: graceUntil === null ? null : eb.ref('secret_hash'),
          previous_expires_at: graceUntil,
          secret_hash: newHash,
          updated_at: stamp,
        }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && keyFromRow(row);
    });
  }

  /** Keys written after change stamp `stamp` (their `updatedAt`), in stamp order: for the key cache's polling. */
  async changedSince(stamp: number): Promise<ApiKey[]> {
    const rows = await this.db.selectFrom('api_keys').selectAll().where('updated_at', '>', stamp).orderBy('updated_at').execute();
    return rows.map(keyFromRow);
  }

  /**
   * Records when keys were last used (id → ms), a few statements for any
   * number of keys; a time never moves back. Not a change: updatedAt stays.
   */
  async touchLastUsed(times: ReadonlyMap<string, number>): Promise<void> {
    const pairs = [...times];
    for (let i = 0; i < pairs.length; i += TOUCH_CHUNK) {
      const values = sql.join(pairs.slice(i, i + TOUCH_CHUNK).map(([id, ms]) => sql`(${id}, cast(${ms} as bigint))`));
      await sql`
        with v(id, ms) as (values ${values})
        update api_keys set last_used_at = v.ms
        from v
        where api_keys.id = v.id and (api_keys.last_used_at is null or api_keys.last_used_at < v.ms)
      `.execute(this.db);
    }
  }
}

async function mustExist(trx: Kysely<Database>, accountId: string): Promise<void> {
  const found = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst();
  if (!found) throw new UnknownAccountError(accountId);
}

function keyFromRow(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    start: row.start,
    accountId: row.account_id,
    name: row.name,
    models: JSON.parse(row.models) as string[],
    ...limitsFromRow(row),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    secretHash: row.secret_hash,
    previousHash: row.previous_hash,
    previousExpiresAt: row.previous_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  };
}
