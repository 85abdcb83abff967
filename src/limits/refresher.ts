import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import type { RedisOutage } from './redis-outage.js';

/** Something an instance holds open in Redis: a member `id` of the deadline sets `deadlineKeys`, held since `since`. */
export interface Held {
  readonly id: string;
  readonly since: number;
  readonly deadlineKeys: readonly string[];
}

export interface RefresherOptions {
  redis: Redis;
  clock: () => number;
  /** A hold lapses this long after its last refresh; refreshed every third of it. */
  ttlMs: number;
  /** Never refreshed past this age: a hold this old was surely forgotten (a missing release or settle). */
  maxMs: number;
  /** Also sets each deadline set's own expiry to the TTL (when nothing else keeps the key). */
  expireKeys: boolean;
  logger: Logger;
  outage: RedisOutage;
  /** e.g. 'rate limits: a lease' */
  what: string;
}

/**
 * What an instance holds open in Redis (concurrency leases, budget
 * reservations), each a member of deadline sets, scored by the time it stops
 * counting. One timer per store, not per request, pushes the deadlines of
 * everything this instance still holds forward (one pipelined round trip);
 * when the instance dies, its holds lapse within one TTL.
 */
export class Refresher<T extends Held> {
  readonly #open = new Set<T>();
  readonly #o: RefresherOptions;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;

  constructor(options: RefresherOptions) {
    this.#o = options;
    this.#timer = setInterval(() => { this.refreshNow().catch((error: unknown) => options.outage.failed(error, 'refresh')); }, Math.max(1, Math.floor(options.ttlMs / 3))).unref();
  }

  add(item: T): void {
    this.#open.add(item);
  }

  delete(item: T): void {
    this.#open.delete(item);
  }

  /** Pushes every open deadline forward now (the timer's work; tests call it to stand in for time passing). */
  refreshNow(): Promise<void> {
    if (this.#open.size === 0) return Promise.resolve();
    this.#running ??= this.#refresh().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const { redis, clock, ttlMs, maxMs, expireKeys, logger, what } = this.#o;
    const t = clock();
    const pipeline = redis.pipeline();
    for (const item of this.#open) {
      const cap = item.since + maxMs;
      if (t >= cap) {
        this.#open.delete(item);
        logger.warn({ id: item.id }, `${what} held for over ${maxMs} ms is no longer refreshed (forgotten?)`);
        continue;
      }
      for (const key of item.deadlineKeys) {
        pipeline.zadd(key, 'XX', 'GT', Math.min(t + ttlMs, cap), item.id);
        if (expireKeys) pipeline.pexpire(key, ttlMs);
      }
    }
    if (pipeline.length === 0) return;
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
    this.#o.outage.ok();
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
