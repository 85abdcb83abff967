import {
  CONCURRENCY_RETRY_MS, RATE_WINDOW_MS, checkTokens, isLimited, noLease, resolvedVoid,
  type Admission, type AdmitOptions, type Lease, type LimitKind, type Limiter, type LimitScope, type ScopeState, type TokenUsage,
} from './limiter.js';
import { refusalOrder, scopeState } from './scope-state.js';
import { WindowLog } from './window-log.js';

export interface MemoryLimiterOptions {
  clock?: () => number;
  /** A lease nobody releases stops counting after this long (a missing `finally`, a stream never closed). Default 1 h. */
  maxLeaseMs?: number;
}

/** One scope's counts. Logs are made on first use of their limit. */
interface Counters {
  requests: WindowLog | undefined;
  tokens: WindowLog | undefined;
  /** Lease number → the time it stops counting; in admission order, so oldest first. */
  readonly inFlight: Map<number, number>;
}

const W = RATE_WINDOW_MS;

/**
 * The limiter of a single instance: sliding-window logs for rpm and tpm
 * (see WindowLog), a map of open leases for concurrency. `admit` checks
 * every scope and then records in all or none, synchronously, so no other
 * request can come between check and record. O(1) per scope on the
 * admitted path (amortized: each entry is pruned once); a refusal may walk
 * a log to say when it frees. Idle scopes are dropped every minute.
 */
export class MemoryLimiter implements Limiter {
  readonly #clock: () => number;
  readonly #maxLeaseMs: number;
  readonly #counters = new Map<string, Counters>();
  readonly #sweeper: NodeJS.Timeout;
  #nextLease = 0;

  constructor(options: MemoryLimiterOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#maxLeaseMs = options.maxLeaseMs ?? 3_600_000;
    this.#sweeper = setInterval(() => this.sweep(), W).unref();
  }

  admit(scopes: readonly LimitScope[], options: AdmitOptions): Promise<Admission> {
    try {
      return Promise.resolve(this.#admit(scopes, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #admit(scopes: readonly LimitScope[], { estimatedTokens, now }: AdmitOptions): Admission {
    checkTokens(estimatedTokens, 'estimatedTokens');
    const t = now ?? this.#clock();
    const counters: (Counters | undefined)[] = new Array(scopes.length);
    let refusal: Refusal | undefined;
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      if (!isLimited(s)) continue;
      const c = this.#countersOf(s.id);
      counters[i] = c;
      if (s.rpm !== undefined) {
        const log = (c.requests ??= new WindowLog());
        log.prune(t - W);
        if (log.sum + 1 > s.rpm) refusal = worse(refusal, i, 'rpm', waitFor(log, log.sum + 1 - s.rpm, t), 1 > s.rpm);
      }
      if (s.tpm !== undefined) {
        const log = (c.tokens ??= new WindowLog());
        log.prune(t - W);
        if (log.sum + estimatedTokens > s.tpm) {
          refusal = worse(refusal, i, 'tpm', waitFor(log, log.sum + estimatedTokens - s.tpm, t), estimatedTokens > s.tpm);
        }
      }
      if (s.maxConcurrency !== undefined && c.inFlight.size + 1 > s.maxConcurrency) {
        dropExpired(c.inFlight, t);
        if (c.inFlight.size + 1 > s.maxConcurrency) refusal = worse(refusal, i, 'concurrency', CONCURRENCY_RETRY_MS, 1 > s.maxConcurrency);
      }
    }
    if (refusal !== undefined) {
      const { index, limit, retryAfterMs, exceedsLimit } = refusal;
      return { ok: false, scope: scopes[index]!.id, limit, retryAfterMs, exceedsLimit, scopes: this.#states(scopes, counters, t) };
    }
    const lease = this.#record(scopes, counters, estimatedTokens, t);
    return { ok: true, lease, scopes: this.#states(scopes, counters, t) };
  }

  #record(scopes: readonly LimitScope[], counters: readonly (Counters | undefined)[], estimate: number, t: number): Lease {
    const leaseNo = this.#nextLease++;
    let any = false;
    const seqs: number[] = new Array(scopes.length * 2);
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      const c = counters[i];
      seqs[2 * i] = seqs[2 * i + 1] = -1;
      if (c === undefined) continue;
      any = true;
      if (s.rpm !== undefined) seqs[2 * i] = c.requests!.push(t, 1);
      if (s.tpm !== undefined) seqs[2 * i + 1] = c.tokens!.push(t, estimate);
      if (s.maxConcurrency !== undefined) c.inFlight.set(leaseNo, t + this.#maxLeaseMs);
    }
    return any ? new MemoryLease(this, scopes, counters, seqs, leaseNo, estimate) : noLease;
  }

  #states(scopes: readonly LimitScope[], counters: readonly (Counters | undefined)[], t: number): ScopeState[] {
    const states: ScopeState[] = new Array(scopes.length);
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      const c = counters[i];
      states[i] = scopeState(s, c?.requests?.sum ?? 0, resetOf(c?.requests, t), c?.tokens?.sum ?? 0, resetOf(c?.tokens, t), c?.inFlight.size ?? 0);
    }
    return states;
  }

  #countersOf(id: string): Counters {
    let c = this.#counters.get(id);
    if (c === undefined) {
      c = { requests: undefined, tokens: undefined, inFlight: new Map() };
      this.#counters.set(id, c);
    }
    return c;
  }

  /** Charges tokens of a lease whose entry has left the window (a request that ran longer than it). */
  chargeLate(id: string, tokens: number, t: number): void {
    const log = (this.#countersOf(id).tokens ??= new WindowLog());
    log.prune(t - W);
    log.push(t, tokens);
  }

  get clock(): () => number {
    return this.#clock;
  }

  /** Drops the counts of scopes with nothing in their windows and nothing in flight (run every minute). */
  sweep(now = this.#clock()): void {
    for (const [id, c] of this.#counters) {
      c.requests?.prune(now - W);
      c.tokens?.prune(now - W);
      dropExpired(c.inFlight, now);
      if ((c.requests?.size ?? 0) === 0 && (c.tokens?.size ?? 0) === 0 && c.inFlight.size === 0) this.#counters.delete(id);
    }
  }

  /** How many scopes have counts held (for tests and metrics). */
  get scopesHeld(): number {
    return this.#counters.size;
  }

  close(): Promise<void> {
    clearInterval(this.#sweeper);
    return resolvedVoid;
  }
}

class MemoryLease implements Lease {
  #done = false;

  constructor(
    private readonly limiter: MemoryLimiter,
    private readonly scopes: readonly LimitScope[],
    private readonly counters: readonly (Counters | undefined)[],
    /** Per scope: the rpm entry's and the tpm entry's sequence numbers (-1: none). */
    private readonly seqs: readonly number[],
    private readonly leaseNo: number,
    private readonly estimate: number,
  ) {}

  release(usage?: TokenUsage): Promise<void> {
    if (this.#done) return resolvedVoid;
    this.#done = true;
    const tokens = usage?.tokens;
    if (tokens !== undefined) checkTokens(tokens, 'tokens');
    let t = 0;
    for (let i = 0; i < this.counters.length; i++) {
      const c = this.counters[i];
      if (c === undefined) continue;
      c.inFlight.delete(this.leaseNo);
      const seq = this.seqs[2 * i + 1]!;
      if (seq < 0 || tokens === undefined) continue;
      t ||= usage?.now ?? this.limiter.clock();
      c.tokens!.prune(t - W);
      if (!c.tokens!.setAmount(seq, tokens) && tokens > this.estimate) this.limiter.chargeLate(this.scopes[i]!.id, tokens - this.estimate, t);
    }
    return resolvedVoid;
  }

  cancel(): Promise<void> {
    if (this.#done) return resolvedVoid;
    this.#done = true;
    for (let i = 0; i < this.counters.length; i++) {
      const c = this.counters[i];
      if (c === undefined) continue;
      c.inFlight.delete(this.leaseNo);
      if (this.seqs[2 * i]! >= 0) c.requests!.setAmount(this.seqs[2 * i]!, 0);
      if (this.seqs[2 * i + 1]! >= 0) c.tokens!.setAmount(this.seqs[2 * i + 1]!, 0);
    }
    return resolvedVoid;
  }
}

interface Refusal {
  readonly index: number;
  readonly limit: LimitKind;
  readonly retryAfterMs: number;
  readonly exceedsLimit: boolean;
}

/** The refusal to report of `current` and a new one (made only on the refusing path). */
function worse(current: Refusal | undefined, index: number, limit: LimitKind, retryAfterMs: number, exceedsLimit: boolean): Refusal {
  if (current !== undefined && !refusalOrder(exceedsLimit, retryAfterMs, current.exceedsLimit, current.retryAfterMs)) return current;
  return { index, limit, retryAfterMs, exceedsLimit };
}

/** ms until `need` frees in `log`. */
function waitFor(log: WindowLog, need: number, t: number): number {
  return log.size === 0 ? W : log.timeWhenFreed(need) + W - t;
}

function resetOf(log: WindowLog | undefined, t: number): number {
  return log === undefined || log.size === 0 ? 0 : log.newestTime() + W - t;
}

/** Forgets leases past their deadline, oldest first. */
function dropExpired(inFlight: Map<number, number>, t: number): void {
  for (const [lease, deadline] of inFlight) {
    if (deadline > t) return;
    inFlight.delete(lease);
  }
}
