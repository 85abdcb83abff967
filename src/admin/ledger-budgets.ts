import { periodBounds } from '../limits/budget-period.js';
import type { BudgetScope, BudgetStatus, BudgetStore } from '../limits/index.js';
import type { UsageQueries } from '../storage/index.js';

/** Where the admin service reads a budget's figures: a server's BudgetStore, or the ledger alone. */
export type BudgetFigures = Pick<BudgetStore, 'status'>;

/**
 * Budget figures from the usage ledger alone, for the CLI (which runs no
 * budget store): what was spent in the current period, as committed to
 * the ledger. Requests in flight on a server are not in it (reserved 0).
 */
export class LedgerBudgets implements BudgetFigures {
  constructor(private readonly usage: UsageQueries, private readonly now: () => number = Date.now) {}

  async status(scope: BudgetScope): Promise<BudgetStatus> {
    const bounds = periodBounds(scope.period, this.now());
    const spentBy = scope.id.startsWith('acct:') ? { accountId: scope.id.slice(5) } : { keyId: scope.id.slice(4) };
    const spent = await this.usage.spent(spentBy, bounds.start);
    return { spent, reserved: 0, limit: scope.limit, remaining: Math.max(0, scope.limit - spent), periodStart: bounds.start, resetsAt: bounds.resetsAt };
  }
}
