import { newKey } from '../auth/key-format.js';
import { scopesOf } from '../auth/caller.js';
import { LinguaError } from '../canonical/index.js';
import type { BudgetStatus } from '../limits/index.js';
import { fromUsd } from '../pricing/pricing.js';
import { InvalidCursorError, UnknownAccountError, type Account, type AccountPatch, type ApiKey, type ApiKeyPatch, type Limits, type Storage } from '../storage/index.js';
import type { BudgetFigures } from './ledger-budgets.js';
import {
  accountCreateSchema, accountPatchSchema, keyCreateSchema, keyPatchSchema, keysQuerySchema, parseInput, requestsQuerySchema, rotateSchema, usageQuerySchema,
  type AccountPatchInput, type KeyPatchInput,
} from './schemas.js';
import { rfc3339 } from './times.js';
import {
  accountView, keyView, requestView, usageRowView,
  type AccountView, type KeyView, type KeyWithSecret, type ListView, type RequestsPageView, type UsageReport,
} from './views.js';

const HOUR_MS = 3_600_000;
const DEFAULT_USAGE_RANGE_MS = 30 * 86_400_000;

/** The limit fields of an API body (USD), as storage takes them (nano-USD); absent fields stay absent. */
function limitsInput(body: { rpm?: number | null; tpm?: number | null; max_concurrency?: number | null; budget_usd?: number | null; budget_period?: Limits['budgetPeriod']; metadata?: Limits['metadata'] }): Partial<Limits> {
  const out: Partial<Limits> = {};
  if (body.rpm !== undefined) out.rpm = body.rpm;
  if (body.tpm !== undefined) out.tpm = body.tpm;
  if (body.max_concurrency !== undefined) out.maxConcurrency = body.max_concurrency;
  if (body.budget_usd !== undefined) out.budget = body.budget_usd === null ? null : fromUsd(body.budget_usd);
  if (body.budget_period !== undefined) out.budgetPeriod = body.budget_period;
  if (body.metadata !== undefined) out.metadata = body.metadata;
  return out;
}

/** An account body's fields as storage takes them; absent fields stay absent. */
function accountInput(input: AccountPatchInput): AccountPatch {
  return {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.email === undefined ? {} : { email: input.email }),
    ...(input.status === undefined ? {} : { status: input.status }),
    ...limitsInput(input),
  };
}

/** A key body's fields as storage takes them, with its expiry already worked out (ms; undefined: unchanged). */
function keyInput(input: KeyPatchInput, expiresAt: number | null | undefined): ApiKeyPatch {
  return {
    ...(input.name === undefined ? {} : { name: input.name }),
    ...(input.account_id === undefined ? {} : { accountId: input.account_id }),
    ...(input.models === undefined ? {} : { models: input.models }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...limitsInput(input),
  };
}

const notFound = (what: 'account' | 'key', id: string) =>
  new LinguaError('not_found', `No ${what} with id '${id}'.`, { param: 'id', code: `${what}_not_found` });

/**
 * What the admin API and the CLI do, on the database alone: every instance's
 * key cache reads the changes within its poll interval. Inputs are the API's
 * JSON (validated here, so the API and the CLI refuse the same things in
 * the same words); outputs are the API's objects. Errors are LinguaErrors:
 * 400 naming the field, 404 for an unknown id, 409 for a revoked key's rotation.
 */
export class AdminService {
  constructor(
    private readonly storage: Pick<Storage, 'accounts' | 'keys' | 'usage'>,
    private readonly budgets: BudgetFigures,
    private readonly now: () => number = Date.now,
  ) {}

  // Accounts

  async createAccount(body: unknown): Promise<AccountView> {
    const input = parseInput(accountCreateSchema, body);
    const account = await this.storage.accounts.create({ ...accountInput(input), name: input.name });
    return this.#accountView(account, null);
  }

  async listAccounts(): Promise<ListView<AccountView>> {
    const [accounts, keys] = await Promise.all([this.storage.accounts.list(), this.storage.keys.list()]);
    const lastUsed = new Map<string, number>();
    for (const k of keys) {
      if (k.accountId !== null && k.lastUsedAt !== null) lastUsed.set(k.accountId, Math.max(lastUsed.get(k.accountId) ?? 0, k.lastUsedAt));
    }
    return { object: 'list', data: await Promise.all(accounts.map((a) => this.#accountView(a, lastUsed.get(a.id) ?? null))) };
  }

  async getAccount(id: string): Promise<AccountView> {
    const account = await this.storage.accounts.get(id);
    if (account === undefined) throw notFound('account', id);
    return this.#accountView(account, await this.#lastUsedOfAccount(id));
  }

  async updateAccount(id: string, body: unknown): Promise<AccountView> {
    const input = parseInput(accountPatchSchema, body);
    const account = await this.storage.accounts.update(id, accountInput(input));
    if (account === undefined) throw notFound('account', id);
    return this.#accountView(account, await this.#lastUsedOfAccount(id));
  }

  /** Deletes the account; its keys are revoked with it (storage does both at once). */
  async deleteAccount(id: string): Promise<{ object: 'account'; id: string; deleted: true }> {
    if (!(await this.storage.accounts.delete(id))) throw notFound('account', id);
    return { object: 'account', id, deleted: true };
  }

  // Keys

  async createKey(body: unknown): Promise<KeyWithSecret> {
    const input = parseInput(keyCreateSchema, body);
    const expiresAt = this.#expiry(input);
    const made = newKey();
    const key = await this.#knownAccount(() => this.storage.keys.create({ ...keyInput(input, expiresAt), id: made.id, secretHash: made.hash, start: made.start, name: input.name }));
    return { ...(await this.#keyView(key)), key: made.key };
  }

  async listKeys(query: unknown): Promise<ListView<KeyView>> {
    const q = parseInput(keysQuerySchema, query);
    const keys = await this.storage.keys.list(q.account_id === undefined ? {} : { accountId: q.account_id });
    return { object: 'list', data: await Promise.all(keys.map((k) => this.#keyView(k))) };
  }

  async getKey(id: string): Promise<KeyView> {
    return this.#found(id, await this.storage.keys.get(id));
  }

  async updateKey(id: string, body: unknown): Promise<KeyView> {
    const input = parseInput(keyPatchSchema, body);
    const expiresAt = this.#expiry(input);
    return this.#found(id, await this.#knownAccount(() => this.storage.keys.update(id, keyInput(input, expiresAt))));
  }

  /** Revokes the key (at once, for good); revoking it again changes nothing. */
  async revokeKey(id: string): Promise<KeyView> {
    return this.#found(id, await this.storage.keys.revoke(id));
  }

  /** A new secret for the same id; the old one keeps working for `grace_period_s` (default: not at all). */
  async rotateKey(id: string, body: unknown): Promise<KeyWithSecret> {
    const input = parseInput(rotateSchema, body);
    const existing = await this.storage.keys.get(id);
    if (existing === undefined) throw notFound('key', id);
    if (existing.revokedAt !== null) {
      throw new LinguaError('invalid_request', `The key '${id}' is revoked; a revoked key cannot be rotated.`, { status: 409, param: 'id', code: 'key_revoked' });
    }
    const grace = input.grace_period_s ?? 0;
    const made = newKey(id);
    const key = await this.storage.keys.rotate(id, made.hash, grace > 0 ? this.now() + grace * 1000 : null);
    if (key === undefined) throw notFound('key', id);
    return { ...(await this.#keyView(key)), key: made.key };
  }

  // Usage

  async usage(query: unknown): Promise<UsageReport> {
    const q = parseInput(usageQuerySchema, query);
    const { from, to } = this.#range(q);
    const rows = await this.storage.usage.summary({
      from, to, groupBy: q.group_by,
      ...(q.key === undefined ? {} : { keyId: q.key }),
      ...(q.account === undefined ? {} : { accountId: q.account }),
      ...(q.model === undefined ? {} : { model: q.model }),
    });
    const unpriced = rows.reduce((n, r) => n + r.unpriced, 0);
    return {
      object: 'usage',
      group_by: q.group_by,
      from: rfc3339(Math.floor(from / HOUR_MS) * HOUR_MS)!,
      to: rfc3339(Math.ceil(to / HOUR_MS) * HOUR_MS)!,
      data: rows.map((r) => usageRowView(r, q.group_by)),
      unpriced,
      notice: unpriced === 0 ? null : `${unpriced} request(s) were for models without pricing: their cost is counted as 0. Add \`pricing\` to those models in the config.`,
    };
  }

  async requests(query: unknown): Promise<RequestsPageView> {
    const q = parseInput(requestsQuerySchema, query);
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) throw rangeError();
    let page;
    try {
      page = await this.storage.usage.requests({
        limit: q.limit,
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.key === undefined ? {} : { keyId: q.key }),
        ...(q.account === undefined ? {} : { accountId: q.account }),
        ...(q.model === undefined ? {} : { model: q.model }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
      });
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new LinguaError('invalid_request', "Invalid 'cursor': pass the next_cursor of an earlier page.", { param: 'cursor', code: 'invalid_cursor' });
      throw error;
    }
    return { object: 'list', data: page.rows.map(requestView), has_more: page.nextCursor !== null, next_cursor: page.nextCursor };
  }

  // Helpers

  /** The expiry a body sets (ms, null to clear), undefined when it sets none; a time already past is a 400. */
  #expiry(input: { expires_at?: number | null; expires_in?: number }): number | null | undefined {
    const now = this.now();
    const at = input.expires_in !== undefined ? now + input.expires_in : input.expires_at;
    if (at != null && at <= now) {
      throw new LinguaError('invalid_request', `Invalid 'expires_at': ${rfc3339(at)} is not in the future.`, { param: 'expires_at', code: 'invalid_request_error' });
    }
    return at;
  }

  #range(q: { from?: number; to?: number }): { from: number; to: number } {
    const to = q.to ?? this.now();
    const from = q.from ?? to - DEFAULT_USAGE_RANGE_MS;
    if (to <= from) throw rangeError();
    return { from, to };
  }

  async #knownAccount<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UnknownAccountError) {
        throw new LinguaError('invalid_request', `Invalid 'account_id': no account with id '${error.accountId}'.`, { param: 'account_id', code: 'account_not_found' });
      }
      throw error;
    }
  }

  async #lastUsedOfAccount(id: string): Promise<number | null> {
    const keys = await this.storage.keys.list({ accountId: id });
    return keys.reduce<number | null>((latest, k) => (k.lastUsedAt === null || (latest !== null && latest >= k.lastUsedAt) ? latest : k.lastUsedAt), null);
  }

  async #budget(scopeId: string, limits: Limits): Promise<BudgetStatus | undefined> {
    const [scope] = scopesOf(scopeId, limits).budgets;
    return scope === undefined ? undefined : this.budgets.status(scope);
  }

  async #accountView(a: Account, lastUsedAt: number | null): Promise<AccountView> {
    return accountView(a, await this.#budget(`acct:${a.id}`, a), lastUsedAt);
  }

  /** The key's view; a 404 when there is no key. */
  async #found(id: string, k: ApiKey | undefined): Promise<KeyView> {
    if (k === undefined) throw notFound('key', id);
    return this.#keyView(k);
  }

  async #keyView(k: ApiKey): Promise<KeyView> {
    return keyView(k, await this.#budget(`key:${k.id}`, k), this.now());
  }
}

function rangeError(): LinguaError {
  return new LinguaError('invalid_request', "Invalid 'to': it must be later than 'from'.", { param: 'to', code: 'invalid_request_error' });
}
