import { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import type { BudgetSeed, BudgetStore } from './budget-store.js';
import type { Limiter } from './limiter.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { MemoryLimiter } from './memory-limiter.js';
import { RedisBudgetStore } from './redis-budget-store.js';
import { RedisLimiter } from './redis-limiter.js';

export interface LimitsOptions {
  /** With a URL, limits and budgets live in Redis (many instances); without, in memory (one instance). */
  redisUrl?: string;
  /** Put before every Redis key. Default `lingua:`. */
  prefix?: string;
  logger: Logger;
  /** What a scope has spent in a period, from the usage ledger (see BudgetSeed). */
  seed: BudgetSeed;
  clock?: () => number;
  /** Rate limits only: with Redis down, admit (logged) rather than refuse with 503. Budgets always fail closed. Default false. */
  failOpen?: boolean;
  /** Redis: how long a dead instance's leases and reservations keep counting. Default 30 s. */
  holdTtlMs?: number;
  /** A lease or reservation never released stops counting after this long. Default 1 h. */
  maxHoldMs?: number;
}

export interface Limits {
  readonly limiter: Limiter;
  readonly budgets: BudgetStore;
  readonly backend: 'memory' | 'redis';
  /** The Redis connection both share (for a health check), if any. */
  readonly redis: Redis | undefined;
  close(): Promise<void>;
}

/**
 * The limiter and the budget store, in Redis when a URL is given, else in
 * memory. In Redis both share one connection with auto-pipelining, so an
 * admit and a reserve started in the same tick (`Promise.all`) travel in
 * one write and one round trip.
 *
 * With Redis unreachable the connection keeps retrying in the background,
 * and meanwhile calls fail at once (no offline queue to pile up behind a
 * dead server): admit and reserve throw a 503 LinguaError (fail closed: an
 * unmetered request could overspend a budget or overrun an upstream's
 * quota, and a 503 with retry-after is what clients retry). The outage is
 * logged at `error` once, then every 10 s, and its end at `info`.
 */
export async function createLimits(options: LimitsOptions): Promise<Limits> {
  const { redisUrl, logger, seed, clock } = options;
  if (redisUrl === undefined || redisUrl === '') {
    const limiter = new MemoryLimiter({ clock, maxLeaseMs: options.maxHoldMs });
    const budgets = new MemoryBudgetStore({ seed, logger, clock, maxReservationMs: options.maxHoldMs });
    return { limiter, budgets, backend: 'memory', redis: undefined, close: async () => { await limiter.close(); await budgets.close(); } };
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectionName: 'lingua-limits',
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let connectionLogged = false;
  redis.on('error', (error: unknown) => {
    if (connectionLogged) return;
    connectionLogged = true;
    logger.error({ err: error }, 'limits: cannot reach Redis; rate limits and budgets answer 503 until it is back (retrying)');
  });
  redis.on('ready', () => {
    if (connectionLogged) logger.info('limits: connected to Redis again');
    connectionLogged = false;
  });
  try {
    await redis.connect();
  } catch {
    // logged by the error handler; the client keeps reconnecting
  }
  const prefix = options.prefix ?? 'lingua:';
  const limiter = new RedisLimiter({ redis, prefix, logger, clock, leaseTtlMs: options.holdTtlMs, maxLeaseMs: options.maxHoldMs, failOpen: options.failOpen });
  const budgets = new RedisBudgetStore({ redis, prefix, logger, seed, clock, reservationTtlMs: options.holdTtlMs, maxReservationMs: options.maxHoldMs });
  return {
    limiter, budgets, backend: 'redis', redis,
    close: async () => {
      await limiter.close();
      await budgets.close();
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
