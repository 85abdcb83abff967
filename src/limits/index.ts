export * from './limiter.js';
export { MemoryLimiter, type MemoryLimiterOptions } from './memory-limiter.js';
export { RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js';
