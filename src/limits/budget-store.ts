import { LinguaError } from '../canonical/index.js';
import type { Logger } from '../lib/logger.js';

/**
 * Budgets: reserve a request's worst-case cost before the call, settle the
 * real cost after it. Two implementations: `MemoryBudgetStore` (one
 * instance) and `RedisBudgetStore` (many instances sharing one Redis). Both
 * pass test/limits/budget-store-contract.ts. Money is integer nano-USD.
 */

export type BudgetPeriod = 'day' | 'week' | 'month' | 'none';

export interface BudgetScope {
  /** e.g. `key:<id>`, `acct:<id>`. */
  readonly id: string;
  /** nano-USD per period. */
  readonly limit: number;
  readonly period: BudgetPeriod;
}

/**
 * What a scope has spent in a period, from the usage ledger: asked when the
 * store has no figure for the scope's current period (in memory: its first
 * use since start; in Redis: its key is missing, e.g. after a Redis restart).
 */
export type BudgetSeed = (scopeId: string, periodStartMs: number) => Promise<number>;

export interface ReserveOptions {
  /** One reservation per request id: reserving an id that is still open reserves nothing more. */
  readonly requestId: string;
  readonly now?: number;
}

/** A request's hold on its budgets, from reserve to settle. */
export interface Reservation {
  readonly requestId: string;
  readonly amount: number;
  /**
   * Adds the real cost to what each scope spent and lets the reservation go.
   * Call it on every path (a failed or aborted call settles what it used,
   * possibly 0). Only the first settle of a request id counts.
   */
  settle(actual: number): Promise<void>;
}

export type BudgetOutcome =
  | { readonly ok: true; readonly reservation: Reservation }
  | {
      readonly ok: false;
      /** The first scope (in the order given) whose remaining budget is too small. */
      readonly scope: string;
      readonly period: BudgetPeriod;
      readonly limit: number;
      readonly spent: number;
      /** Held by other requests in flight. */
      readonly reserved: number;
      /** When the period ends (ms); null for `none`. */
      readonly resetsAt: number | null;
    };

export interface BudgetStatus {
  readonly spent: number;
  readonly reserved: number;
  readonly limit: number;
  readonly remaining: number;
  readonly periodStart: number;
  readonly resetsAt: number | null;
}

export interface BudgetStore {
  /**
   * Reserves `amount` against every scope at once: only if spent + reserved
   * + amount ≤ limit holds for all of them, else nothing is reserved.
   */
  reserve(scopes: readonly BudgetScope[], amount: number, options: ReserveOptions): Promise<BudgetOutcome>;
  /** A scope's figures in the current period (for the admin API and the console). */
  status(scope: BudgetScope, options?: { now?: number }): Promise<BudgetStatus>;
  /** Stops the store's timers; open reservations then lapse on their own. */
  close(): Promise<void>;
}

/**
 * The seed of a scope's figure, checked; a ledger that fails makes the
 * request fail closed (503), logged.
 */
export async function seedFigure(seed: BudgetSeed, scopeId: string, periodStart: number, logger: Logger | undefined): Promise<number> {
  let spent: number;
  try {
    spent = await seed(scopeId, periodStart);
    checkNanoUsd(spent, `the seed of ${scopeId}`);
  } catch (error) {
    logger?.error({ err: error, scope: scopeId, periodStart }, 'budgets: the ledger could not say what a scope has spent; its requests are refused with 503');
    throw new LinguaError('unavailable', 'The budgets service is unavailable; try again shortly.', { code: 'budgets_unavailable', retryAfter: 1, cause: error });
  }
  return spent;
}

/** Throws on an amount that is not a non-negative safe integer of nano-USD. */
export function checkNanoUsd(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${what} must be a non-negative integer of nano-USD, got ${amount}`);
}
