import type { BudgetPeriod } from './budget-store.js';

const DAY = 86_400_000;

/** One budget period: it starts at `start` and ends (the budget resets) at `resetsAt`; `none` never resets. */
export interface PeriodBounds {
  readonly start: number;
  readonly resetsAt: number | null;
}

/**
 * The period `t` falls in, from the UTC clock alone (no reset job that can
 * be missed): a day from 00:00 UTC, a week from Monday 00:00 UTC, a month
 * from the 1st 00:00 UTC.
 */
export function periodBounds(period: BudgetPeriod, t: number): PeriodBounds {
  switch (period) {
    case 'day': {
      const start = Math.floor(t / DAY) * DAY;
      return { start, resetsAt: start + DAY };
    }
    case 'week': {
      const day = Math.floor(t / DAY);
      const start = (day - ((day + 3) % 7)) * DAY; // 1970-01-01 was a Thursday
      return { start, resetsAt: start + 7 * DAY };
    }
    case 'month': {
      const d = new Date(t);
      return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), resetsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    }
    case 'none':
      return { start: 0, resetsAt: null };
  }
}

/** periodBounds, remembered per period kind while the clock stays in it (no Date and no object per request). */
export class PeriodCache {
  readonly #current = new Map<BudgetPeriod, PeriodBounds>();

  bounds(period: BudgetPeriod, t: number): PeriodBounds {
    const known = this.#current.get(period);
    if (known !== undefined && t >= known.start && (known.resetsAt === null || t < known.resetsAt)) return known;
    const fresh = periodBounds(period, t);
    this.#current.set(period, fresh);
    return fresh;
  }
}
