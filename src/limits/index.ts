export * from './limiter.js';
export { MemoryLimiter, type MemoryLimiterOptions } from './memory-limiter.js';
export { RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js';
export * from './budget-store.js';
export { periodBounds, type PeriodBounds } from './budget-period.js';
export { MemoryBudgetStore, type MemoryBudgetStoreOptions } from './memory-budget-store.js';
export { RedisBudgetStore, type RedisBudgetStoreOptions } from './redis-budget-store.js';
export { anthropicRateLimitHeaders, mostConstraining, openAIDuration, openAIRateLimitHeaders, retryAfterSeconds, rfc3339Seconds } from './rate-limit-headers.js';
export { createLimits, type Limits, type LimitsOptions } from './create-limits.js';
