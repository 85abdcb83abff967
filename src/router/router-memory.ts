import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger.js';
import type { CooldownStore } from './cooldowns.js';
import { MemoryCooldowns } from './memory-cooldowns.js';
import type { ModelCounters } from './model-entry.js';
import { RedisCooldowns } from './redis-cooldowns.js';
import type { RoutingConfig } from './routing-config.js';
import { TargetHealth } from './target-health.js';

/**
 * What routers keep across config reloads: the breakers, each target's
 * figures and counters, each model's counters. The router of a reloaded
 * config takes over its predecessor's (`RouterOptions.previous`), so a
 * reload neither forgets a failing upstream nor resets counters.
 */
export class RouterMemory {
  readonly cooldowns: CooldownStore;
  readonly #targets = new Map<string, TargetHealth>();
  readonly #counters = new Map<string, ModelCounters>();
  /** The router that closes it (the latest to take it over). */
  holder: object | undefined;

  constructor(options: { routing: RoutingConfig; redis?: Redis | undefined; logger: Logger; cooldowns?: CooldownStore }) {
    const { routing, redis, logger } = options;
    this.cooldowns = options.cooldowns ?? (redis === undefined
      ? new MemoryCooldowns()
      : new RedisCooldowns({ redis, prefix: routing.redis_prefix, logger, syncMs: routing.cooldown_sync_ms }));
  }

  target(provider: string, upstreamModel: string): TargetHealth {
    const id = `${provider}/${upstreamModel}`;
    let health = this.#targets.get(id);
    if (health === undefined) this.#targets.set(id, health = new TargetHealth(provider, upstreamModel));
    return health;
  }

  counters(model: string): ModelCounters {
    let counters = this.#counters.get(model);
    if (counters === undefined) this.#counters.set(model, counters = { retries: 0, fallbacks: 0, contextFallbacks: 0 });
    return counters;
  }

  close(): Promise<void> {
    return this.cooldowns.close();
  }
}
