/**
 * Rate limits: what a request is checked against and what the check says.
 * Two implementations: `MemoryLimiter` (one instance) and `RedisLimiter`
 * (many instances sharing one Redis). Both pass test/limits/limiter-contract.ts.
 */

/** The length of the rpm and tpm windows. */
export const RATE_WINDOW_MS = 60_000;

/**
 * One thing that limits a request: its key, its account, or a key × model.
 * An absent limit is no limit; a limit of 0 refuses every request.
 */
export interface LimitScope {
  /** Stable and unique across scope kinds, e.g. `key:<id>`, `acct:<id>`, `key:<id>:model:<name>`. */
  readonly id: string;
  /** Requests admitted in any 60 s window. */
  readonly rpm?: number;
  /** Tokens (input + output) in any 60 s window: estimates while in flight, real counts once released. */
  readonly tpm?: number;
  /** Requests in flight at once. */
  readonly maxConcurrency?: number;
}

export type LimitKind = 'rpm' | 'tpm' | 'concurrency';

/** A window's figures after the check, for the rate-limit response headers. */
export interface WindowState {
  readonly limit: number;
  readonly remaining: number;
  /** Time until the window is empty again (every entry in it has aged out), in ms. */
  readonly resetMs: number;
}

/** One scope's figures after the check; only the limits the scope has are present. */
export interface ScopeState {
  readonly id: string;
  readonly requests?: WindowState;
  readonly tokens?: WindowState;
  readonly concurrency?: { readonly limit: number; readonly inFlight: number };
}

export interface TokenUsage {
  /** The request's real token count (input + output); absent: the estimate stands. */
  readonly tokens?: number;
  readonly now?: number;
}

/**
 * An admitted request's hold on its scopes. Call `release` in a `finally`
 * on every path (aborts included); it is idempotent, and a lease nobody
 * releases stops counting by itself (see docs/limits.md).
 */
export interface Lease {
  /** The request ended: frees its concurrency slots and puts its real token count in place of the estimate. */
  release(usage?: TokenUsage): Promise<void>;
  /** The request was never served (e.g. its budget refused it): it counts against nothing, as if never admitted. */
  cancel(): Promise<void>;
}

export interface AdmitOptions {
  /** Input estimate + the most output tokens the request may produce. */
  readonly estimatedTokens: number;
  readonly now?: number;
}

export type Admission =
  | { readonly ok: true; readonly lease: Lease; readonly scopes: readonly ScopeState[] }
  | {
      readonly ok: false;
      /** The scope that refused (of several, the one that frees last). */
      readonly scope: string;
      readonly limit: LimitKind;
      /** When the request would pass, as far as this scope can tell (a concurrency slot: a guess, 1 s). */
      readonly retryAfterMs: number;
      /** The request alone is over the limit (e.g. more estimated tokens than the tpm): waiting will not help. */
      readonly exceedsLimit: boolean;
      readonly scopes: readonly ScopeState[];
    };

/**
 * Checks a request against all its scopes at once: admitted by all, or by
 * none (a refused request counts against no scope).
 */
export interface Limiter {
  admit(scopes: readonly LimitScope[], options: AdmitOptions): Promise<Admission>;
  /** Stops the limiter's timers (open leases then expire on their own). */
  close(): Promise<void>;
}

/** How long a refused concurrency slot suggests to wait: slots free when requests end, which no one can foresee. */
export const CONCURRENCY_RETRY_MS = 1000;

export const resolvedVoid: Promise<void> = Promise.resolve();

/** The lease of an admission that touched no limit. */
export const noLease: Lease = { release: () => resolvedVoid, cancel: () => resolvedVoid };

/** True when the scope has at least one limit. */
export function isLimited(scope: LimitScope): boolean {
  return scope.rpm !== undefined || scope.tpm !== undefined || scope.maxConcurrency !== undefined;
}

/** Throws on a token count that is not a non-negative safe integer. */
export function checkTokens(tokens: number, what: string): void {
  if (!Number.isSafeInteger(tokens) || tokens < 0) throw new RangeError(`${what} must be a non-negative integer, got ${tokens}`);
}
