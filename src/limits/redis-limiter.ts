import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import { randomId } from '../lib/ids.js';
import {
  CONCURRENCY_RETRY_MS, RATE_WINDOW_MS, checkTokens, isLimited, noLease, resolvedVoid,
  type Admission, type AdmitOptions, type Lease, type LimitKind, type Limiter, type LimitScope, type ScopeState, type TokenUsage,
} from './limiter.js';
import { admitScript, endLeaseScript } from './redis-limiter-scripts.js';
import { RedisOutage } from './redis-outage.js';
import { Refresher, type Held } from './refresher.js';
import { scopeState } from './scope-state.js';

export interface RedisLimiterOptions {
  /** Shared with the budget store, with auto-pipelining on, so that admit and reserve travel in one round trip. */
  redis: Redis;
  /** Put before every key, e.g. `lingua:` (see docs/limits.md for the layout). */
  prefix: string;
  logger: Logger;
  clock?: () => number;
  /** A lease stops counting this long after its instance last refreshed it (the instance died). Default 30 s, refreshed every third of it. */
  leaseTtlMs?: number;
  /** Never refreshed past this age (a missing release): default 1 h. */
  maxLeaseMs?: number;
  /** With Redis down, admit everything (logged) instead of answering 503. Default false. */
  failOpen?: boolean;
}

interface LimiterCommands {
  linguaAdmit(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  linguaEndLease(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

const kinds: readonly LimitKind[] = ['rpm', 'tpm', 'concurrency'];

/**
 * The limiter of many instances: the same sliding-window logs as
 * MemoryLimiter, as sorted sets in one Redis, checked and written for all of
 * a request's scopes by one Lua script (one EVALSHA per admit). Open leases
 * are refreshed by one timer per limiter.
 */
export class RedisLimiter implements Limiter {
  readonly #redis: Redis & LimiterCommands;
  readonly #prefix: string;
  readonly #clock: () => number;
  readonly #leaseTtlMs: number;
  readonly #failOpen: boolean;
  readonly #outage: RedisOutage;
  readonly #refresher: Refresher<RedisLease>;

  constructor(options: RedisLimiterOptions) {
    this.#redis = options.redis as Redis & LimiterCommands;
    this.#redis.defineCommand('linguaAdmit', { lua: admitScript });
    this.#redis.defineCommand('linguaEndLease', { lua: endLeaseScript });
    this.#prefix = options.prefix;
    this.#clock = options.clock ?? Date.now;
    this.#leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.#failOpen = options.failOpen ?? false;
    this.#outage = new RedisOutage(options.logger, 'rate limits');
    this.#refresher = new Refresher({
      redis: this.#redis, clock: this.#clock, ttlMs: this.#leaseTtlMs, maxMs: options.maxLeaseMs ?? 3_600_000, expireKeys: true,
      logger: options.logger, outage: this.#outage, what: 'rate limits: a lease',
    });
  }

  async admit(scopes: readonly LimitScope[], { estimatedTokens, now }: AdmitOptions): Promise<Admission> {
    checkTokens(estimatedTokens, 'estimatedTokens');
    const t = now ?? this.#clock();
    const limited = scopes.filter(isLimited);
    if (limited.length === 0) return { ok: true, lease: noLease, scopes: scopes.map((s) => ({ id: s.id })) };
    const id = randomId('', 16);
    const args: (string | number)[] = this.#keys(limited);
    args.push(t, RATE_WINDOW_MS, id, estimatedTokens, t + this.#leaseTtlMs, this.#leaseTtlMs, CONCURRENCY_RETRY_MS);
    for (const s of limited) args.push(s.rpm ?? -1, s.tpm ?? -1, s.maxConcurrency ?? -1);
    let reply: number[];
    try {
      reply = await this.#redis.linguaAdmit(limited.length * 4, ...args);
      this.#outage.ok();
    } catch (error) {
      const unavailable = this.#outage.failed(error, 'admit');
      if (this.#failOpen) return { ok: true, lease: noLease, scopes: scopes.map((s) => ({ id: s.id })) };
      throw unavailable;
    }
    const states = this.#states(scopes, limited, reply);
    if (reply[0] !== 1) {
      return {
        ok: false, scope: limited[reply[1]! - 1]!.id, limit: kinds[reply[2]! - 1]!, retryAfterMs: reply[3]!, exceedsLimit: reply[4] === 1, scopes: states,
      };
    }
    const lease = new RedisLease(this, limited, id, estimatedTokens, t, this.#keysOf('c', limited.filter((s) => s.maxConcurrency !== undefined)));
    if (lease.holdsSlots) this.#refresher.add(lease);
    return { ok: true, lease, scopes: states };
  }

  /** Ends a lease in Redis (release or cancel); failures are logged, the lease then lapses by its TTL. */
  async endLease(lease: RedisLease, scopes: readonly LimitScope[], mode: 'release' | 'cancel', tokens: number, now: number | undefined): Promise<void> {
    this.#refresher.delete(lease);
    const args: (string | number)[] = this.#keys(scopes);
    args.push(now ?? this.#clock(), RATE_WINDOW_MS, lease.id, lease.estimate, tokens, mode);
    for (const s of scopes) args.push((s.rpm === undefined ? '' : 'r') + (s.tpm === undefined ? '' : 't') + (s.maxConcurrency === undefined ? '' : 'c'));
    try {
      await this.#redis.linguaEndLease(scopes.length * 4, ...args);
      this.#outage.ok();
    } catch (error) {
      this.#outage.failed(error, mode);
    }
  }

  /** Pushes the deadlines of this instance's open leases forward (the timer's work). */
  refreshLeases(): Promise<void> {
    return this.#refresher.refreshNow();
  }

  #keysOf(kind: string, scopes: readonly LimitScope[]): string[] {
    return scopes.map((s) => `${this.#prefix}${kind}:${s.id}`);
  }

  #keys(scopes: readonly LimitScope[]): string[] {
    const p = this.#prefix;
    const keys: string[] = [];
    for (const s of scopes) keys.push(`${p}r:${s.id}`, `${p}t:${s.id}`, `${p}tk:${s.id}`, `${p}c:${s.id}`);
    return keys;
  }

  #states(scopes: readonly LimitScope[], limited: readonly LimitScope[], reply: readonly number[]): ScopeState[] {
    const states: ScopeState[] = [];
    let j = 0;
    for (const s of scopes) {
      if (j < limited.length && limited[j] === s) {
        const b = 5 + 5 * j++;
        states.push(scopeState(s, reply[b]!, reply[b + 1]!, reply[b + 2]!, reply[b + 3]!, reply[b + 4]!));
      } else {
        states.push({ id: s.id });
      }
    }
    return states;
  }

  close(): Promise<void> {
    this.#refresher.close();
    return resolvedVoid;
  }
}

class RedisLease implements Lease, Held {
  #done = false;

  constructor(
    private readonly limiter: RedisLimiter,
    readonly scopes: readonly LimitScope[],
    readonly id: string,
    readonly estimate: number,
    readonly since: number,
    /** Its concurrency slots' sets. */
    readonly deadlineKeys: readonly string[],
  ) {}

  get holdsSlots(): boolean {
    return this.deadlineKeys.length > 0;
  }

  release(usage?: TokenUsage): Promise<void> {
    if (this.#done) return resolvedVoid;
    const tokens = usage?.tokens;
    if (tokens !== undefined) checkTokens(tokens, 'tokens');
    this.#done = true;
    if (!this.holdsSlots && (tokens === undefined || !this.scopes.some((s) => s.tpm !== undefined))) return resolvedVoid;
    return this.limiter.endLease(this, this.scopes, 'release', tokens ?? -1, usage?.now);
  }

  cancel(): Promise<void> {
    if (this.#done) return resolvedVoid;
    this.#done = true;
    return this.limiter.endLease(this, this.scopes, 'cancel', -1, undefined);
  }
}
