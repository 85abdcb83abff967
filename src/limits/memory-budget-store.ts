import type { Logger } from '../lib/logger.js';
import { PeriodCache, type PeriodBounds } from './budget-period.js';
import {
  checkNanoUsd, seedFigure, type BudgetOutcome, type BudgetPeriod, type BudgetScope, type BudgetSeed, type BudgetStatus, type BudgetStore, type Reservation, type ReserveOptions,
} from './budget-store.js';
import { resolvedVoid } from './limiter.js';

export interface MemoryBudgetStoreOptions {
  seed: BudgetSeed;
  /** Where a failing seed is logged. */
  logger?: Logger;
  clock?: () => number;
  /** A reservation nobody settles stops counting after this long. Default 1 h. */
  maxReservationMs?: number;
}

/** One scope's figures for one period. */
interface Tally {
  readonly bounds: PeriodBounds;
  spent: number;
  held: number;
  /** Open reservations by request id, oldest first. */
  readonly open: Map<string, MemoryReservation>;
}

/**
 * The budgets of a single instance. A scope's figure for a period comes from
 * `seed` (the ledger) on its first use; after that, reserve is one
 * synchronous check-and-hold over all scopes (no await between check and
 * hold, so no other request comes in between), O(1) per scope.
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #seed: BudgetSeed;
  readonly #logger: Logger | undefined;
  readonly #clock: () => number;
  readonly #maxReservationMs: number;
  readonly #periods = new PeriodCache();
  /** By period kind, then scope id: the figures of the scope's latest period. */
  readonly #tallies: Record<BudgetPeriod, Map<string, Tally>> = { day: new Map(), week: new Map(), month: new Map(), none: new Map() };
  readonly #seeding = new Map<string, Promise<void>>();

  constructor(options: MemoryBudgetStoreOptions) {
    this.#seed = options.seed;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#maxReservationMs = options.maxReservationMs ?? 3_600_000;
  }

  async reserve(scopes: readonly BudgetScope[], amount: number, { requestId, now }: ReserveOptions): Promise<BudgetOutcome> {
    checkNanoUsd(amount, 'amount');
    const t = now ?? this.#clock();
    const tallies: Tally[] = new Array(scopes.length);
    for (;;) {
      const seeding = this.#unseeded(scopes, t, tallies);
      if (seeding === undefined) break;
      await seeding;
    }
    // From here to the end: synchronous, hence atomic.
    if (tallies.length === 0) return { ok: true, reservation: { requestId, amount, settle: () => resolvedVoid } };
    const open = tallies[0]!.open.get(requestId);
    if (open !== undefined) return { ok: true, reservation: open };
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      const tally = tallies[i]!;
      if (tally.spent + tally.held + amount <= s.limit) continue;
      lapse(tally, t);
      if (tally.spent + tally.held + amount <= s.limit) continue;
      return { ok: false, scope: s.id, period: s.period, limit: s.limit, spent: tally.spent, reserved: tally.held, resetsAt: tally.bounds.resetsAt };
    }
    const reservation = new MemoryReservation(requestId, amount, t + this.#maxReservationMs, tallies);
    for (const tally of tallies) {
      tally.held += amount;
      tally.open.set(requestId, reservation);
    }
    return { ok: true, reservation };
  }

  async status(scope: BudgetScope, options: { now?: number } = {}): Promise<BudgetStatus> {
    const t = options.now ?? this.#clock();
    const tallies: Tally[] = [];
    for (;;) {
      const seeding = this.#unseeded([scope], t, tallies);
      if (seeding === undefined) break;
      await seeding;
    }
    const tally = tallies[0]!;
    lapse(tally, t);
    return {
      spent: tally.spent, reserved: tally.held, limit: scope.limit, remaining: Math.max(0, scope.limit - tally.spent - tally.held),
      periodStart: tally.bounds.start, resetsAt: tally.bounds.resetsAt,
    };
  }

  /** Fills `tallies` with each scope's figures at `t`; or, where some are missing, a promise that seeds them. */
  #unseeded(scopes: readonly BudgetScope[], t: number, tallies: Tally[]): Promise<unknown> | undefined {
    let seeding: Promise<void>[] | undefined;
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      const bounds = this.#periods.bounds(s.period, t);
      const tally = this.#tallies[s.period].get(s.id);
      // A tally of a later period than t (a call that waited on a seed across midnight) is used as it is.
      if (tally !== undefined && tally.bounds.start >= bounds.start) {
        tallies[i] = tally;
        continue;
      }
      (seeding ??= []).push(this.#seedOnce(s, bounds));
    }
    return seeding === undefined ? undefined : Promise.all(seeding);
  }

  #seedOnce(scope: BudgetScope, bounds: PeriodBounds): Promise<void> {
    const seedKey = `${scope.period}:${bounds.start}:${scope.id}`;
    let seeding = this.#seeding.get(seedKey);
    if (seeding === undefined) {
      const tallies = this.#tallies[scope.period];
      seeding = seedFigure(this.#seed, scope.id, bounds.start, this.#logger).then((spent) => {
        const current = tallies.get(scope.id);
        if (current === undefined || current.bounds.start < bounds.start) tallies.set(scope.id, { bounds, spent, held: 0, open: new Map() });
      }).finally(() => { this.#seeding.delete(seedKey); });
      this.#seeding.set(seedKey, seeding);
    }
    return seeding;
  }

  close(): Promise<void> {
    return resolvedVoid;
  }
}

class MemoryReservation implements Reservation {
  #settled = false;

  constructor(
    readonly requestId: string,
    readonly amount: number,
    readonly deadline: number,
    private readonly tallies: readonly Tally[],
  ) {}

  settle(actual: number): Promise<void> {
    checkNanoUsd(actual, 'actual');
    if (this.#settled) return resolvedVoid;
    this.#settled = true;
    for (const tally of this.tallies) {
      if (tally.open.get(this.requestId) === this) {
        tally.open.delete(this.requestId);
        tally.held -= this.amount;
      }
      tally.spent += actual; // also after the reservation lapsed: the cost was real
    }
    return resolvedVoid;
  }
}

/** Lets reservations past their deadline go, oldest first. */
function lapse(tally: Tally, t: number): void {
  for (const [id, r] of tally.open) {
    if (r.deadline > t) return;
    tally.open.delete(id);
    tally.held -= r.amount;
  }
}
