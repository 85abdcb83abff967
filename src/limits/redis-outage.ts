import { LinguaError } from '../canonical/index.js';
import type { Logger } from '../lib/logger.js';

/**
 * Redis failures of one store, logged loudly but not once per request: the
 * first failure of an outage at `error`, then one line every 10 s while it
 * lasts, and one `info` line when Redis answers again.
 */
export class RedisOutage {
  readonly #logger: Logger;
  readonly #what: string;
  #down = false;
  #lastLog = 0;
  #failures = 0;

  constructor(logger: Logger, what: string) {
    this.#logger = logger;
    this.#what = what;
  }

  /** Logs a failed call; returns the 503 to answer the request with (fail closed). */
  failed(error: unknown, action: string): LinguaError {
    this.#failures++;
    const now = Date.now();
    if (!this.#down || now - this.#lastLog >= 10_000) {
      this.#logger.error({ err: error, failures: this.#failures }, `${this.#what}: Redis failed (${action}); requests that need it are refused with 503 until it answers`);
      this.#lastLog = now;
    }
    this.#down = true;
    return new LinguaError('unavailable', `The ${this.#what} service is unavailable; try again shortly.`, { code: `${this.#what.replace(/ /g, '_')}_unavailable`, retryAfter: 1, cause: error });
  }

  /** A call succeeded (cheap: one boolean test on the hot path). */
  ok(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#logger.info({ failures: this.#failures }, `${this.#what}: Redis answers again`);
    this.#failures = 0;
  }
}
