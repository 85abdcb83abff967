import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../lib/logger.js';
import { isDataError } from './dialect.js';
import { usageRecordProblem } from './usage-insert.js';
import type { UsageRecord } from './usage-record.js';

export interface LedgerOptions {
  /** The longest a record waits in memory before its commit starts, in ms (so at most one commit per interval below `batchSize`). Default 50. */
  intervalMs?: number;
  /** Commit without waiting for the interval once this many records are queued. Default 500. */
  batchSize?: number;
  /** The most records one transaction takes. Default 5000. */
  maxPerCommit?: number;
  /** Records kept in memory while the database cannot be written; beyond, new ones are dropped and logged. Default 100,000 (about 50 MB). */
  maxQueued?: number;
  /** Backoff between attempts while the database cannot be written: doubles from the first to the last, in ms. Default 100 … 5000. */
  retryMs?: { first: number; max: number };
  /** How long `close()` keeps trying to write what is left, in ms. Default 10,000. */
  closeTimeoutMs?: number;
}

export interface LedgerStats {
  /** Records waiting in memory. */
  queued: number;
  /** Records committed to the database. */
  committed: number;
  /** Records given up: the queue was full, the writer closed, or the database refused the record. */
  dropped: number;
  /** Consecutive failed attempts to write (0 when writing works). */
  failures: number;
}

/** Where a LedgerWriter commits: a Storage. */
export interface UsageSink {
  insertUsage(records: readonly UsageRecord[]): Promise<void>;
}

type DropReason = 'queue full' | 'writer closed' | 'refused by the database' | 'invalid';

interface Waiter {
  target: number;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * The usage ledger's write path. `record()` only queues (the request never
 * waits for the database); a commit starts when the oldest queued record
 * has waited `intervalMs`, or at once when `batchSize` are queued, one
 * commit at a time, each one transaction of multi-row INSERTs and rollup
 * upserts (usage-insert.ts). So a record handed over is committed within
 * about intervalMs + two commits, which is what makes the ledger's promise
 * hold: whatever was handed over 200 ms before a kill -9 is in the
 * database after restart.
 *
 * When the database cannot be written, the writer keeps the records and
 * tries again with backoff; past `maxQueued` it drops new records, and
 * logs at error level how many, their cost, and the request ids of the
 * first and last (one line a second at most). A record the database itself
 * refuses (a constraint, say) is found by halving the batch, dropped and
 * logged whole, and the others are committed.
 */
export class LedgerWriter {
  readonly #sink: UsageSink;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #batchSize: number;
  readonly #maxPerCommit: number;
  readonly #maxQueued: number;
  readonly #retry: { first: number; max: number };
  readonly #closeTimeoutMs: number;

  #queue: UsageRecord[] = [];
  /** performance.now() at or before which the oldest queued record arrived. */
  #oldestAt = 0;
  #accepted = 0;
  #settled = 0;
  #committed = 0;
  #waiters: Waiter[] = [];
  #draining = false;
  #timer: NodeJS.Timeout | undefined;
  #backingOff = false;
  #failures = 0;
  #closing: Promise<void> | undefined;
  #drops = new DropLog();

  constructor(sink: UsageSink, logger: Logger, options: LedgerOptions = {}) {
    this.#sink = sink;
    this.#log = logger;
    this.#intervalMs = options.intervalMs ?? 50;
    this.#batchSize = options.batchSize ?? 500;
    this.#maxPerCommit = Math.max(options.maxPerCommit ?? 5000, this.#batchSize);
    this.#maxQueued = options.maxQueued ?? 100_000;
    this.#retry = options.retryMs ?? { first: 100, max: 5000 };
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  /** Queues one record; never throws, never waits. */
  record(r: UsageRecord): void {
    const problem = usageRecordProblem(r);
    if (problem !== undefined) return this.#drop(r, 'invalid', problem);
    if (this.#closing !== undefined) return this.#drop(r, 'writer closed');
    if (this.#queue.length >= this.#maxQueued) return this.#drop(r, 'queue full');
    if (this.#queue.length === 0) this.#oldestAt = performance.now();
    this.#queue.push(r);
    this.#accepted++;
    this.#schedule();
  }

  /** Commits everything queued so far, now; rejects if the database cannot be written (the records stay queued). */
  flush(): Promise<void> {
    const target = this.#accepted;
    if (this.#settled >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ target, resolve, reject });
      this.#clearTimer();
      void this.#drain();
    });
  }

  /**
   * Stops taking records and writes what is queued, trying for up to
   * `closeTimeoutMs` if the database cannot be written; what is still left
   * then is dropped and logged. Does not close the database.
   */
  close(): Promise<void> {
    this.#closing ??= this.#finish();
    return this.#closing;
  }

  stats(): LedgerStats {
    return { queued: this.#queue.length, committed: this.#committed, dropped: this.#drops.total, failures: this.#failures };
  }

  async #finish(): Promise<void> {
    const deadline = performance.now() + this.#closeTimeoutMs;
    let delay = this.#retry.first;
    while (this.#queue.length > 0) {
      try {
        await this.flush();
      } catch {
        const left = deadline - performance.now();
        if (left <= 0) break;
        await sleep(Math.min(delay, left));
        delay = Math.min(delay * 2, this.#retry.max);
      }
    }
    this.#clearTimer();
    for (const r of this.#queue.splice(0)) this.#drop(r, 'writer closed');
    this.#settle(0);
    this.#drops.report(this.#log, this.#maxQueued);
  }

  #schedule(): void {
    if (this.#draining || this.#backingOff || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#batchSize) {
      this.#clearTimer();
      void this.#drain();
    } else if (this.#timer === undefined) {
      const wait = Math.max(0, this.#oldestAt + this.#intervalMs - performance.now());
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#drain();
      }, wait);
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#backingOff = false;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const startedAt = performance.now();
        await this.#commitFront(Math.min(this.#queue.length, this.#maxPerCommit));
        if (this.#failures > 0) {
          this.#log.info({ failures: this.#failures, queued: this.#queue.length }, 'ledger: writing usage records again');
          this.#failures = 0;
        }
        // What is queued now arrived during this commit.
        this.#oldestAt = startedAt;
        if (this.#queue.length < this.#batchSize && this.#waiters.length === 0) break;
      }
    } catch (err) {
      this.#failed(err);
    } finally {
      this.#draining = false;
    }
    this.#schedule();
  }

  /** Commits the first `n` queued records, or throws if the database cannot be written. */
  async #commitFront(n: number): Promise<void> {
    const batch = this.#queue.slice(0, n);
    try {
      await this.#sink.insertUsage(batch);
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (n === 1) {
        this.#queue.shift();
        this.#drop(batch[0]!, 'refused by the database', (err as Error).message);
        this.#settle(1);
        return;
      }
      const half = n >> 1;
      await this.#commitFront(half);
      await this.#commitFront(n - half);
      return;
    }
    this.#queue.splice(0, n);
    this.#committed += n;
    this.#settle(n);
  }

  #settle(n: number): void {
    this.#settled += n;
    if (this.#waiters.length === 0) return;
    const waiting: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= this.#settled) w.resolve();
      else waiting.push(w);
    }
    this.#waiters = waiting;
  }

  #failed(err: unknown): void {
    this.#failures++;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
    const delay = Math.min(this.#retry.first * 2 ** (this.#failures - 1), this.#retry.max) * (0.8 + Math.random() * 0.4);
    if (this.#failures === 1 || this.#failures % 10 === 0) {
      this.#log.error(
        { err: (err as Error).message ?? String(err), failures: this.#failures, queued: this.#queue.length, maxQueued: this.#maxQueued },
        `ledger: cannot write usage records; retrying with backoff, keeping up to ${this.#maxQueued} in memory`,
      );
    }
    this.#clearTimer();
    this.#backingOff = true;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#backingOff = false;
      void this.#drain();
    }, delay);
  }

  #drop(r: UsageRecord, reason: DropReason, detail?: string): void {
    if (reason === 'invalid' || reason === 'refused by the database') {
      // Rare and about this record alone: log all of it, so that it can be put right by hand.
      this.#log.error({ record: r, problem: detail }, `ledger: usage record ${reason}, dropped`);
    }
    this.#drops.add(r, reason, this.#log, this.#maxQueued);
  }
}

/** Counts of dropped records, logged at most once a second (and at close). */
class DropLog {
  total = 0;
  #pending = new Map<DropReason, { count: number; cost: number; first: string; last: string }>();
  #timer: NodeJS.Timeout | undefined;

  add(r: UsageRecord, reason: DropReason, log: Logger, bound: number): void {
    this.total++;
    const entry = this.#pending.get(reason);
    if (entry === undefined) this.#pending.set(reason, { count: 1, cost: r.cost, first: r.requestId, last: r.requestId });
    else {
      entry.count++;
      entry.cost += r.cost;
      entry.last = r.requestId;
    }
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.report(log, bound), 1000);
      this.#timer.unref();
    }
  }

  report(log: Logger, bound: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [reason, e] of this.#pending) {
      const why = reason === 'queue full' ? `the database could not be written and ${bound} records were already waiting in memory` : reason;
      log.error(
        { dropped: e.count, costNanoUsd: e.cost, firstRequestId: e.first, lastRequestId: e.last, reason },
        `ledger: DROPPED ${e.count} usage records (${e.cost / 1e9} USD): ${why}`,
      );
    }
    this.#pending.clear();
  }
}
