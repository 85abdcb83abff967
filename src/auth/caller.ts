import type { BudgetScope } from '../limits/budget-store.js';
import type { LimitScope } from '../limits/limiter.js';
import { ModelScope } from './model-scope.js';

/** Who is calling: what the pipeline knows of a request's key once it is verified. */
export interface Caller {
  /**
   * The key's stable public id (shown in records and logs, never secret):
   * a database key's id, `cfg:<name>` for a key from the config file, or
   * undefined when the server needs no key (loopback, none configured).
   */
  keyId: string | undefined;
  /** The key's name (`anonymous` without a key). */
  keyName: string;
  /** The account the key belongs to; a config key is an implicit account of its own. */
  accountId: string | undefined;
  /** Which public models the key may use. */
  models: ModelScope;
  /** The key's and its account's rate limits (only those that limit something). */
  limits: readonly LimitScope[];
  /** The key's and its account's budgets. */
  budgets: readonly BudgetScope[];
}

export const anonymousCaller: Caller = Object.freeze({
  keyId: undefined,
  keyName: 'anonymous',
  accountId: undefined,
  models: ModelScope.all,
  limits: Object.freeze([]),
  budgets: Object.freeze([]),
});

/** The limits and budget of a key or an account, as the config and the database both give them. */
export interface LimitSettings {
  rpm?: number | null;
  tpm?: number | null;
  maxConcurrency?: number | null;
  /** nano-USD per period. */
  budget?: number | null;
  budgetPeriod?: BudgetScope['period'] | null;
}

/** The scopes of one key or account: `key:<id>` / `acct:<id>`; none when nothing is limited. */
export function scopesOf(id: string, s: LimitSettings): { limits: LimitScope[]; budgets: BudgetScope[] } {
  const limits: LimitScope[] = [];
  if (s.rpm != null || s.tpm != null || s.maxConcurrency != null) {
    limits.push({
      id,
      ...(s.rpm == null ? {} : { rpm: s.rpm }),
      ...(s.tpm == null ? {} : { tpm: s.tpm }),
      ...(s.maxConcurrency == null ? {} : { maxConcurrency: s.maxConcurrency }),
    });
  }
  const budgets: BudgetScope[] = s.budget == null ? [] : [{ id, limit: s.budget, period: s.budgetPeriod ?? 'month' }];
  return { limits, budgets };
}
