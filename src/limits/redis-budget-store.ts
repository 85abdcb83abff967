import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../lib/logger.js';
import { randomId } from '../lib/ids.js';
import { PeriodCache, type PeriodBounds } from './budget-period.js';
import {
  checkNanoUsd, seedFigure, type BudgetOutcome, type BudgetScope, type BudgetSeed, type BudgetStatus, type BudgetStore, type Reservation, type ReserveOptions,
} from './budget-store.js';
import { resolvedVoid } from './limiter.js';
import { reserveScript, seedScript, settleScript, statusScript } from './redis-budget-scripts.js';
import { RedisOutage } from './redis-outage.js';
import { Refresher, type Held } from './refresher.js';

export interface RedisBudgetStoreOptions {
  /** Shared with the limiter, with auto-pipelining on, so that admit and reserve travel in one round trip. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  seed: BudgetSeed;
  clock?: () => number;
  /** A reservation stops counting this long after its instance last refreshed it (the instance died). Default 30 s. */
  reservationTtlMs?: number;
  /** Never refreshed past this age (a missing settle): default 1 h. */
  maxReservationMs?: number;
}

type Command = (numKeys: number, ...args: (string | number)[]) => Promise<(number | string | null)[]>;

interface BudgetCommands {
  linguaReserve: Command;
  linguaSettle: Command;
  linguaBudgetStatus: Command;
  linguaSeed(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

/** Where a scope keeps its figures for one period. */
interface ScopeKeys {
  readonly scope: BudgetScope;
  readonly bounds: PeriodBounds;
  readonly figures: string;
  readonly deadlines: string;
}

const SETTLE_ATTEMPTS = 4;

/**
 * The budgets of many instances, in one Redis: per scope and period a hash
 * of figures and a zset of open reservations' deadlines, changed for all of
 * a request's scopes by one Lua script (one EVALSHA per reserve and per
 * settle). Figures missing from Redis are seeded from the ledger, set only
 * if still absent. Budgets fail closed: with Redis down, reserve throws a 503.
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #redis: Redis & BudgetCommands;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #seed: BudgetSeed;
  readonly #clock: () => number;
  readonly #ttlMs: number;
  readonly #maxMs: number;
  readonly #periods = new PeriodCache();
  readonly #outage: RedisOutage;
  readonly #refresher: Refresher<RedisReservation>;
  readonly #seeding = new Map<string, Promise<void>>();
  readonly #settling = new Set<Promise<void>>();

  constructor(options: RedisBudgetStoreOptions) {
    this.#redis = options.redis as Redis & BudgetCommands;
    this.#redis.defineCommand('linguaReserve', { lua: reserveScript });
    this.#redis.defineCommand('linguaSettle', { lua: settleScript });
    this.#redis.defineCommand('linguaBudgetStatus', { lua: statusScript });
    this.#redis.defineCommand('linguaSeed', { lua: seedScript });
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    this.#seed = options.seed;
    this.#clock = options.clock ?? Date.now;
    this.#ttlMs = options.reservationTtlMs ?? 30_000;
    this.#maxMs = options.maxReservationMs ?? 3_600_000;
    this.#outage = new RedisOutage(options.logger, 'budgets');
    this.#refresher = new Refresher({
      redis: this.#redis, clock: this.#clock, ttlMs: this.#ttlMs, maxMs: this.#maxMs, expireKeys: false,
      logger: options.logger, outage: this.#outage, what: 'budgets: a reservation',
    });
  }

  async reserve(scopes: readonly BudgetScope[], amount: number, { requestId, now }: ReserveOptions): Promise<BudgetOutcome> {
    checkNanoUsd(amount, 'amount');
    const t = now ?? this.#clock();
    if (scopes.length === 0) return { ok: true, reservation: { requestId, amount, settle: () => resolvedVoid } };
    const bounds = scopes.map((s) => this.#periods.bounds(s.period, t));
    const keys = scopes.map((s, i) => this.#keys(s, bounds[i]!));
    const args: (string | number)[] = keys.flatMap((k) => [k.figures, k.deadlines]);
    args.push(t, requestId, amount, t + this.#ttlMs);
    for (let i = 0; i < scopes.length; i++) args.push(scopes[i]!.limit, this.#keyTtl(bounds[i]!, t));
    const reply = await this.#run('reserve', keys, t, () => this.#redis.linguaReserve(scopes.length * 2, ...args));
    if (reply[0] === 0) {
      const i = Number(reply[1]) - 1;
      const s = scopes[i]!;
      return { ok: false, scope: s.id, period: s.period, limit: s.limit, spent: Number(reply[2]), reserved: Number(reply[3]), resetsAt: bounds[i]!.resetsAt };
    }
    const reservation = new RedisReservation(this, keys, reply.slice(1).map(String), requestId, amount, t);
    this.#refresher.add(reservation);
    return { ok: true, reservation };
  }

  async status(scope: BudgetScope, options: { now?: number } = {}): Promise<BudgetStatus> {
    const t = options.now ?? this.#clock();
    const bounds = this.#periods.bounds(scope.period, t);
    const keys = this.#keys(scope, bounds);
    const reply = await this.#run('status', [keys], t, () => this.#redis.linguaBudgetStatus(2, keys.figures, keys.deadlines, t));
    const spent = Number(reply[0]);
    const reserved = Number(reply[1]);
    return { spent, reserved, limit: scope.limit, remaining: Math.max(0, scope.limit - spent - reserved), periodStart: bounds.start, resetsAt: bounds.resetsAt };
  }

  /**
   * Settles in Redis. A call that fails for the connection is tried again
   * (the script charges a request id once, so a retry cannot count twice);
   * after the last attempt the charge is logged as lost.
   */
  settle(reservation: RedisReservation, actual: number): Promise<void> {
    this.#refresher.delete(reservation);
    const done = this.#settle(reservation, actual).finally(() => { this.#settling.delete(done); });
    this.#settling.add(done);
    return done;
  }

  async #settle(r: RedisReservation, actual: number): Promise<void> {
    const args: (string | number)[] = r.keys.flatMap((k) => [k.figures, k.deadlines]);
    args.push(r.requestId, actual, ...r.gens);
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.#redis.linguaSettle(r.keys.length * 2, ...args);
        if (reply[0] === 1) {
          this.#outage.ok();
          return;
        }
        if (attempt >= SETTLE_ATTEMPTS) throw new Error('budget figures vanished again right after seeding');
        await this.#seedMissing(reply, r.keys, this.#clock());
      } catch (error) {
        if (attempt >= SETTLE_ATTEMPTS) {
          this.#outage.failed(error, 'settle');
          this.#logger.error({ requestId: r.requestId, actual }, 'budgets: a settle was lost; the reservation lapses by its TTL and the cost is missing from Redis until the figures are seeded again');
          return;
        }
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  /** Runs a script; where it finds figures missing, seeds them and runs it again. Redis failures become a 503. */
  async #run(action: string, keys: readonly ScopeKeys[], t: number, call: () => Promise<(number | string | null)[]>): Promise<(number | string | null)[]> {
    for (let attempt = 0; ; attempt++) {
      let reply: (number | string | null)[];
      try {
        reply = await call();
        this.#outage.ok();
      } catch (error) {
        throw this.#outage.failed(error, action);
      }
      if (reply[0] !== -1) return reply;
      if (attempt === 3) throw this.#outage.failed(new Error('budget figures vanished again right after seeding'), action);
      await this.#seedMissing(reply, keys, t);
    }
  }

  async #seedMissing(reply: readonly (number | string | null)[], keys: readonly ScopeKeys[], t: number): Promise<void> {
    await Promise.all(reply.slice(1).map((index) => this.#seedOnce(keys[Number(index) - 1]!, t)));
  }

  /** One seeding per scope and period at a time in this instance. */
  #seedOnce(keys: ScopeKeys, t: number): Promise<void> {
    const { scope, bounds } = keys;
    let seeding = this.#seeding.get(keys.figures);
    if (seeding === undefined) {
      seeding = (async () => {
        const spent = await seedFigure(this.#seed, scope.id, bounds.start, this.#logger);
        const set = await this.#redis.linguaSeed(2, keys.figures, keys.deadlines, spent, randomId('', 12), this.#keyTtl(bounds, t));
        if (set === 1) this.#logger.info({ scope: scope.id, periodStart: bounds.start, spent }, 'budgets: figures seeded from the ledger');
      })().finally(() => { this.#seeding.delete(keys.figures); });
      this.#seeding.set(keys.figures, seeding);
    }
    return seeding;
  }

  /** Pushes the deadlines of this instance's open reservations forward (the timer's work). */
  refreshReservations(): Promise<void> {
    return this.#refresher.refreshNow();
  }

  #keys(scope: BudgetScope, bounds: PeriodBounds): ScopeKeys {
    const tail = `${scope.period}:${bounds.start}:${scope.id}`;
    return { figures: `${this.#prefix}b:${tail}`, deadlines: `${this.#prefix}bz:${tail}`, scope, bounds };
  }

  /** Figures live until their period is over and every reservation made in it has lapsed; `none` forever. */
  #keyTtl(bounds: PeriodBounds, t: number): number {
    return bounds.resetsAt === null ? -1 : bounds.resetsAt - t + this.#maxMs + 3_600_000;
  }

  /** Stops the refresh timer and waits for the settles under way. */
  async close(): Promise<void> {
    this.#refresher.close();
    await Promise.all(this.#settling);
  }
}

class RedisReservation implements Reservation, Held {
  #settled: Promise<void> | undefined;
  readonly deadlineKeys: readonly string[];

  constructor(
    private readonly store: RedisBudgetStore,
    readonly keys: readonly ScopeKeys[],
    /** Per scope, the copy of the figures it was made in. */
    readonly gens: readonly string[],
    readonly requestId: string,
    readonly amount: number,
    readonly since: number,
  ) {
    this.deadlineKeys = keys.map((k) => k.deadlines);
  }

  get id(): string {
    return this.requestId;
  }

  settle(actual: number): Promise<void> {
    checkNanoUsd(actual, 'actual');
    return (this.#settled ??= this.store.settle(this, actual));
  }
}
