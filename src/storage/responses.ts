import type { Kysely } from 'kysely';
import type { Logger } from '../lib/logger.js';
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

export interface ResponsesRetention {
  /** Days a stored response is kept; 0 keeps it until it is deleted. */
  days: number;
  now: () => number;
  logger: Logger;
}

const DAY_MS = 86_400_000;
/** How often an instance deletes the expired responses (on its next store). */
const SWEEP_EVERY_MS = 3_600_000;

/**
 * Stored responses; every read and delete is scoped to one account. An
 * expired response (older than the retention) is gone for every read at
 * once; its row is deleted by a sweep at most hourly, run after a store.
 */
export class ResponsesRepo {
  readonly #retention: ResponsesRetention;
  #lastSweep = Number.NEGATIVE_INFINITY;
  #sweeping: Promise<void> | undefined;

  constructor(private readonly db: Kysely<Database>, retention: ResponsesRetention) {
    this.#retention = retention;
  }

  /** The oldest `created_at` still kept (0: all). */
  #keptSince(): number {
    const { days, now } = this.#retention;
    return days > 0 ? now() - days * DAY_MS : 0;
  }

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
    const now = this.#retention.now();
    if (this.#retention.days > 0 && now - this.#lastSweep >= SWEEP_EVERY_MS && this.#sweeping === undefined) {
      this.#lastSweep = now;
      this.#sweeping = this.sweep().then(
        (n) => { if (n > 0) this.#retention.logger.info({ deleted: n }, 'responses: expired stored responses deleted'); },
        (err: unknown) => { this.#retention.logger.warn({ err }, 'responses: could not delete the expired stored responses'); },
      ).finally(() => { this.#sweeping = undefined; });
    }
  }

  /** Deletes the expired responses of every account; how many. */
  async sweep(): Promise<number> {
    if (this.#retention.days <= 0) return 0;
    const r = await this.db.deleteFrom('responses').where('created_at', '<', this.#keptSince()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Waits for a sweep in progress (closing). */
  async settled(): Promise<void> {
    await this.#sweeping;
  }

  async get(accountId: string, id: string): Promise<StoredResponse | undefined> {
    const row = await this.db.selectFrom('responses').selectAll()
      .where('account_id', '=', accountId).where('id', '=', id).where('created_at', '>=', this.#keptSince())
      .executeTakeFirst();
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
    const r = await this.db.deleteFrom('responses')
      .where('account_id', '=', accountId).where('id', '=', id).where('created_at', '>=', this.#keptSince())
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** The `input_items` column: the items, or (with sealed reasoning beside them) `{items, sealed}`. */
function inputColumn(text: string): Pick<StoredResponse, 'inputItems' | 'sealed'> {
  const parsed = JSON.parse(text) as unknown[] | { items: unknown[]; sealed: Record<string, string> };
  return Array.isArray(parsed) ? { inputItems: parsed } : { inputItems: parsed.items, sealed: parsed.sealed };
}
