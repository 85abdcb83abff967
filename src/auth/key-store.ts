import { hash as oneShotHash, timingSafeEqual } from 'node:crypto';
import type { KeyConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { fromUsd } from '../pricing/pricing.js';
import type { Account, AccountsRepo, ApiKey, ApiKeysRepo } from '../storage/index.js';
import { anonymousCaller, scopesOf, type Caller } from './caller.js';
import { keyIdOf } from './key-format.js';
import { ModelScope } from './model-scope.js';

/**
 * What verifying a presented key says: one typed outcome, which the
 * pipeline turns into a 401 (or the caller) in one place.
 */
export type KeyOutcome =
  | { kind: 'valid'; caller: Caller }
  | { kind: 'missing' }
  | { kind: 'unknown' }
  // The key is known but refused: `caller` says whose it is (for the usage record and the log line, not for serving).
  | { kind: 'revoked'; at: number; caller: Caller }
  | { kind: 'expired'; at: number; caller: Caller }
  | { kind: 'account_disabled'; accountId: string; caller: Caller };

/** A verifiable key: its hashes (32-byte digests) and what a valid use of it gives. */
interface Entry {
  caller: Caller;
  hash: Buffer;
  previousHash: Buffer | undefined;
  previousUntil: number;
  revokedAt: number | null;
  expiresAt: number | null;
  accountDisabled: boolean;
}

export interface KeyStoreOptions {
  /** Database keys and accounts; without, only the config's keys. */
  storage?: { keys: ApiKeysRepo; accounts: AccountsRepo };
  /** How often changes made elsewhere (another instance, the CLI) are read. */
  pollMs?: number;
  logger?: Logger;
  now?: () => number;
}

// One-shot: a Hash object per call (createHash) cost ~5x as much, ~2% of a call's CPU.
const digest = (text: string): Buffer => oneShotHash('sha256', text, 'buffer');
const fromHex = (hex: string): Buffer => Buffer.from(hex, 'hex');
/** Compared with a presented key's hash when an id is unknown, so both paths do the same work. */
const nothing = Buffer.alloc(32);

/**
 * The keys the server accepts, all held in memory so that a valid key
 * costs no database round trip: the config file's keys, and the database's
 * (loaded at start, then every `pollMs` the rows changed since, on every
 * instance: revocations, expiry and edits made anywhere take effect within
 * that time). Only SHA-256 hashes are held; a presented key is hashed and
 * compared in constant time. With no key at all, every caller is accepted
 * (loopback use only: the server refuses to listen elsewhere without keys).
 */
export class KeyStore {
  #configKeys = new Map<string, Entry>();
  readonly #byId = new Map<string, Entry>();
  readonly #rows = new Map<string, ApiKey>();
  readonly #accounts = new Map<string, Account>();
  readonly #options: KeyStoreOptions;
  readonly #now: () => number;
  /** Last-used times not yet written (id → ms). */
  #touched = new Map<string, number>();
  #stamp = 0;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;

  constructor(keys: readonly KeyConfig[], options: KeyStoreOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.replaceConfigKeys(keys);
  }

  /** The config file's keys, all at once (a config reload); the database's are not touched. */
  replaceConfigKeys(keys: readonly KeyConfig[]): void {
    const entries = new Map<string, Entry>();
    for (const k of keys) {
      const id = `cfg:${k.name}`;
      const { limits, budgets } = scopesOf(`key:${id}`, {
        rpm: k.rpm, tpm: k.tpm, maxConcurrency: k.max_concurrency,
        budget: k.budget_usd === undefined ? null : fromUsd(k.budget_usd), budgetPeriod: k.budget_period,
      });
      const caller: Caller = { keyId: id, keyName: k.name, accountId: id, models: new ModelScope(k.models), limits, budgets };
      const hash = digest(k.key);
      entries.set(hash.toString('base64'), { caller, hash, previousHash: undefined, previousUntil: 0, revokedAt: null, expiresAt: null, accountDisabled: false });
    }
    this.#configKeys = entries;
  }

  /** Some key lives in the database (whatever the config file says). */
  get hasDatabaseKeys(): boolean {
    return this.#byId.size > 0;
  }

  /** Loads the database's keys and starts following their changes. */
  async start(): Promise<void> {
    if (this.#options.storage === undefined) return;
    await this.#poll();
    const every = this.#options.pollMs ?? 500;
    this.#timer = setInterval(() => { void this.refresh(); }, every);
    this.#timer.unref();
  }

  /** Reads the database's changes now (after a write through this instance, which then holds at once here). */
  refresh(): Promise<void> {
    if (this.#options.storage === undefined) return Promise.resolve();
    return this.#polling ??= this.#poll().finally(() => { this.#polling = undefined; });
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#polling;
    await this.#flushTouched();
  }

  /** Whether callers must present a key: some key exists, in the config or the database. */
  get required(): boolean {
    return this.#configKeys.size > 0 || this.#byId.size > 0;
  }

  /** What the presented key is worth. Known keys answer at once; a key made elsewhere a moment ago is looked up. */
  verify(presented: string | undefined): KeyOutcome | Promise<KeyOutcome> {
    if (!this.required) return { kind: 'valid', caller: anonymousCaller };
    if (presented === undefined || presented === '') return { kind: 'missing' };
    const hash = digest(presented);
    const id = keyIdOf(presented);
    if (id === undefined) {
      const entry = this.#configKeys.get(hash.toString('base64'));
      return entry !== undefined && timingSafeEqual(entry.hash, hash) ? { kind: 'valid', caller: entry.caller } : { kind: 'unknown' };
    }
    const entry = this.#byId.get(id);
    if (entry !== undefined) {
      const outcome = this.#judge(entry, hash);
      if (outcome.kind !== 'unknown' || this.#options.storage === undefined) return outcome;
      // A secret that does not match may be the key's new one, rotated on another instance since the last poll.
      return this.#lookUp(id).then((found) => (found === undefined ? outcome : this.#judge(found, hash)));
    }
    if (this.#options.storage === undefined) {
      timingSafeEqual(nothing, hash);
      return { kind: 'unknown' };
    }
    return this.#lookUp(id).then((found) => (found === undefined ? { kind: 'unknown' } : this.#judge(found, hash)));
  }

  #judge(entry: Entry, hash: Buffer): KeyOutcome {
    const now = this.#now();
    const matches = timingSafeEqual(entry.hash, hash) || (entry.previousHash !== undefined && now < entry.previousUntil && timingSafeEqual(entry.previousHash, hash));
    if (!matches) return { kind: 'unknown' };
    if (entry.revokedAt !== null) return { kind: 'revoked', at: entry.revokedAt, caller: entry.caller };
    if (entry.expiresAt !== null && now >= entry.expiresAt) return { kind: 'expired', at: entry.expiresAt, caller: entry.caller };
    if (entry.accountDisabled) return { kind: 'account_disabled', accountId: entry.caller.accountId!, caller: entry.caller };
    this.#touched.set(entry.caller.keyId!, now);
    return { kind: 'valid', caller: entry.caller };
  }

  /** A key as the database has it now: not in memory yet, or changed since the last poll (created or rotated on another instance). */
  async #lookUp(id: string): Promise<Entry | undefined> {
    const row = await this.#options.storage!.keys.get(id);
    if (row === undefined) return undefined;
    if (row.accountId !== null && !this.#accounts.has(row.accountId)) {
      const account = await this.#options.storage!.accounts.get(row.accountId);
      if (account !== undefined) this.#accounts.set(account.id, account);
    }
    this.#rows.set(row.id, row);
    return this.#index(row);
  }

  async #poll(): Promise<void> {
    const storage = this.#options.storage!;
    try {
      const since = this.#stamp;
      const [accounts, keys] = await Promise.all([storage.accounts.changedSince(since), storage.keys.changedSince(since)]);
      for (const a of accounts) {
        this.#accounts.set(a.id, a);
        this.#stamp = Math.max(this.#stamp, a.updatedAt);
      }
      for (const k of keys) {
        this.#rows.set(k.id, k);
        this.#stamp = Math.max(this.#stamp, k.updatedAt);
      }
      for (const k of keys) this.#index(k);
      // An account change (status, limits) changes what each of its keys gives.
      if (accounts.length > 0) {
        const changed = new Set(accounts.map((a) => a.id));
        for (const row of this.#rows.values()) if (row.accountId !== null && changed.has(row.accountId)) this.#index(row);
      }
      await this.#flushTouched();
    } catch (error) {
      this.#options.logger?.error({ err: error }, 'keys: could not read key changes from the database; serving the keys already known');
    }
  }

  #index(row: ApiKey): Entry {
    const account = row.accountId === null ? undefined : this.#accounts.get(row.accountId);
    const own = scopesOf(`key:${row.id}`, row);
    const shared = account === undefined ? { limits: [], budgets: [] } : scopesOf(`acct:${account.id}`, account);
    const caller: Caller = {
      keyId: row.id,
      keyName: row.name,
      accountId: row.accountId ?? undefined,
      models: new ModelScope(row.models),
      limits: [...own.limits, ...shared.limits],
      budgets: [...own.budgets, ...shared.budgets],
    };
    const entry: Entry = {
      caller,
      hash: fromHex(row.secretHash),
      previousHash: row.previousHash === null ? undefined : fromHex(row.previousHash),
      previousUntil: row.previousExpiresAt ?? 0,
      revokedAt: row.revokedAt,
      expiresAt: row.expiresAt,
      accountDisabled: account?.status === 'disabled',
    };
    this.#byId.set(row.id, entry);
    return entry;
  }

  async #flushTouched(): Promise<void> {
    const storage = this.#options.storage;
    if (storage === undefined || this.#touched.size === 0) return;
    const touched = this.#touched;
    this.#touched = new Map();
    try {
      await storage.keys.touchLastUsed(touched);
    } catch (error) {
      this.#options.logger?.warn({ err: error }, 'keys: could not record when keys were last used');
    }
  }
}
