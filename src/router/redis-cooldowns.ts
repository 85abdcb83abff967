import type { Redis } from 'ioredis';
import { randomId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { CooldownPolicy, CooldownStore } from './cooldowns.js';
import { MemoryCooldowns } from './memory-cooldowns.js';
import { failScript, succeedScript } from './redis-cooldown-scripts.js';

export interface RedisCooldownsOptions {
  /** The platform's connection (shared with limits and budgets; not closed here). */
  redis: Redis;
  /** Put before every key, e.g. `lingua:`. */
  prefix: string;
  logger: Logger;
  /** How often the breakers other instances opened or closed are read. */
  syncMs: number;
  clock?: () => number;
}

interface CooldownCommands {
  linguaCooldownFail(numKeys: number, ...args: (string | number)[]): Promise<number>;
  linguaCooldownSucceed(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

/**
 * The circuit breakers of many instances, in one Redis: failures counted
 * together (one script per failure), one probe for all of them (SET NX).
 * Each instance keeps a copy of the open and half-open breakers, read on
 * every request without a round trip, refreshed by its own writes and
 * every `syncMs` (one HGETALL). With Redis unreachable, breakers work on
 * this instance alone (logged once per outage) until it answers again.
 */
export class RedisCooldowns implements CooldownStore {
  readonly #redis: Redis & CooldownCommands;
  readonly #hash: string;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #clock: () => number;
  /** The open and half-open breakers, as last read or written. */
  #copy = new Map<string, number>();
  /** What this instance decides alone while Redis is down. */
  readonly #local: MemoryCooldowns;
  #down = false;
  readonly #timer: NodeJS.Timeout;

  constructor(options: RedisCooldownsOptions) {
    this.#redis = options.redis as Redis & CooldownCommands;
    this.#redis.defineCommand('linguaCooldownFail', { lua: failScript });
    this.#redis.defineCommand('linguaCooldownSucceed', { lua: succeedScript });
    this.#prefix = options.prefix;
    this.#hash = `${options.prefix}cooldown`;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#local = new MemoryCooldowns({ clock: this.#clock });
    this.#timer = setInterval(() => void this.sync(), options.syncMs);
    this.#timer.unref();
  }

  until(target: string): number | undefined {
    const until = this.#copy.get(target);
    return until !== undefined || !this.#down ? until : this.#local.until(target);
  }

  async fail(target: string, policy: CooldownPolicy): Promise<number | undefined> {
    if (policy.failures === 0) return undefined;
    try {
      const until = await this.#redis.linguaCooldownFail(3, this.#failuresKey(target), this.#hash, this.#probeKey(target),
        target, this.#clock(), policy.failures, policy.windowMs, policy.durationMs, randomId('', 12));
      this.#up();
      if (until === 0) return undefined;
      this.#copy.set(target, until);
      return until;
    } catch (error) {
      this.#failed(error);
      return this.#local.failNow(target, policy);
    }
  }

  async succeed(target: string): Promise<void> {
    const now = this.#clock();
    const until = this.#copy.get(target);
    if (until !== undefined && until > now) return; // still open: a success from before it opened
    this.#copy.delete(target);
    this.#local.succeedNow(target);
    try {
      await this.#redis.linguaCooldownSucceed(2, this.#hash, this.#probeKey(target), target, now);
      this.#up();
    } catch (error) {
      this.#failed(error);
    }
  }

  async claimProbe(target: string, leaseMs: number): Promise<boolean> {
    try {
      const ok = await this.#redis.set(this.#probeKey(target), '1', 'PX', Math.max(1, Math.ceil(leaseMs)), 'NX');
      this.#up();
      return ok === 'OK';
    } catch (error) {
      this.#failed(error);
      return this.#local.claimProbeNow(target, leaseMs);
    }
  }

  async sync(): Promise<void> {
    try {
      const all = await this.#redis.hgetall(this.#hash);
      this.#up();
      this.#copy = new Map(Object.entries(all).map(([target, until]) => [target, Number(until)]));
    } catch (error) {
      this.#failed(error);
    }
  }

  close(): Promise<void> {
    clearInterval(this.#timer);
    return Promise.resolve();
  }

  #failuresKey(target: string): string {
    return `${this.#prefix}cooldown:failures:${target}`;
  }

  #probeKey(target: string): string {
    return `${this.#prefix}cooldown:probe:${target}`;
  }

  #failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger.warn({ err: error }, 'routing: cannot reach Redis for the shared cooldowns; each instance cools its targets alone until it answers');
  }

  #up(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#logger.info('routing: Redis answers again; cooldowns are shared again');
  }
}
