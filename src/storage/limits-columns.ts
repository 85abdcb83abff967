import type { BudgetPeriod, LimitColumns } from './schema.js';

/** JSON metadata kept on accounts and keys for the admin's own use. */
export type Metadata = Record<string, unknown>;

/** What accounts and keys both carry: their own limits, budget and metadata. Null = none. */
export interface Limits {
  rpm: number | null;
  tpm: number | null;
  maxConcurrency: number | null;
  /** nano-USD per budget period. */
  budget: number | null;
  budgetPeriod: BudgetPeriod | null;
  metadata: Metadata | null;
}

export function limitsFromRow(row: LimitColumns): Limits {
  return {
    rpm: row.rpm,
    tpm: row.tpm,
    maxConcurrency: row.max_concurrency,
    budget: row.budget,
    budgetPeriod: row.budget_period,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Metadata),
  };
}

/** The columns a (partial) input sets; `undefined` leaves a column as it is, `null` clears it. */
export function limitsToRow(input: Partial<Limits>): Partial<LimitColumns> {
  const row: Partial<LimitColumns> = {};
  if (input.rpm !== undefined) row.rpm = input.rpm;
  if (input.tpm !== undefined) row.tpm = input.tpm;
  if (input.maxConcurrency !== undefined) row.max_concurrency = input.maxConcurrency;
  if (input.budget !== undefined) row.budget = input.budget;
  if (input.budgetPeriod !== undefined) row.budget_period = input.budgetPeriod;
  if (input.metadata !== undefined) row.metadata = input.metadata === null ? null : JSON.stringify(input.metadata);
  return row;
}

/** Every limit column at null: the values a new row starts from. */
export const noLimits: LimitColumns = { rpm: null, tpm: null, max_concurrency: null, budget: null, budget_period: null, metadata: null };
