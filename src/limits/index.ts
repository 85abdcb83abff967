export {
  RATE_WINDOW_MS, type Admission, type AdmitOptions, type Lease, type LimitKind, type LimitScope, type Limiter, type ScopeState, type TokenUsage, type WindowState,
} from './limiter.js';
export { MemoryLimiter, type MemoryLimiterOptions } from './memory-limiter.js';
export { RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js';
export type { BudgetOutcome, BudgetPeriod, BudgetScope, BudgetSeed, BudgetStatus, BudgetStore, Reservation, ReserveOptions } from './budget-store.js';
export { periodBounds, type PeriodBounds } from './budget-period.js';
export { MemoryBudgetStore, type MemoryBudgetStoreOptions } from './memory-budget-store.js';
export { RedisBudgetStore, type RedisBudgetStoreOptions } from './redis-budget-store.js';
export { mostConstraining, retryAfterSeconds } from './most-constraining.js';
export { createLimits, type Limits, type LimitsOptions } from './create-limits.js';
