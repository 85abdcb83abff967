import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A response kept with `store: true`, and the input items it answered. */
export interface StoredResponse {
  id: string;
  /** '' on a server without keys. */
  accountId: string;
  keyId: string | null;
  createdAt: number;
  model: string;
  previousResponseId: string | null;
  response: Record<string, unknown>;
  inputItems: unknown[];
  /** Sealed reasoning by item id (what continues a conversation exactly), never shown as it is. */
  sealed?: Record<string, string>;
}

/** Stored responses; every read and delete is scoped to one account. */
export class ResponsesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async put(r: StoredResponse): Promise<void> {
    await this.db.insertInto('responses').values({
      id: r.id,
      account_id: r.accountId,
      key_id: r.keyId,
      created_at: r.createdAt,
      model: r.model,
      previous_response_id: r.previousResponseId,
      response: JSON.stringify(r.response),
      input_items: JSON.stringify(r.sealed === undefined ? r.inputItems : { items: r.inputItems, sealed: r.sealed }),
    }).execute();
  }

  async get(accountId: string, id: string): Promise<StoredResponse | undefined> {
    const row = await this.db.selectFrom('responses').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      accountId: row.account_id,
      keyId: row.key_id,
      createdAt: Number(row.created_at),
      model: row.model,
      previousResponseId: row.previous_response_id,
      response: JSON.parse(row.response) as Record<string, unknown>,
      ...inputColumn(row.input_items),
    };
  }

  /** True when the account had it. */
  async delete(accountId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('responses').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** The `input_items` column: the items, or (with sealed reasoning beside them) `{items, sealed}`. */
function inputColumn(text: string): Pick<StoredResponse, 'inputItems' | 'sealed'> {
  const parsed = JSON.parse(text) as unknown[] | { items: unknown[]; sealed: Record<string, string> };
  return Array.isArray(parsed) ? { inputItems: parsed } : { inputItems: parsed.items, sealed: parsed.sealed };
}
