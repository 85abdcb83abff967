import { LinguaError } from '../canonical/index.js';

const WINDOW_MS = 60_000;
/** Addresses tracked at most; past it, windows that ended are dropped first, then the oldest. */
const MAX_ADDRESSES = 10_000;

/**
 * Slows down key guessing: an address that fails authentication `limit`
 * times within a minute is refused (429, before its key is even checked)
 * until that minute is over. Per instance and in memory: it bounds what
 * one address can try against one instance, which is what it is for;
 * valid keys are never counted.
 */
export class AuthThrottle {
  readonly #failures = new Map<string, { count: number; until: number }>();

  constructor(readonly limit: number, private readonly now: () => number = Date.now) {}

  /** Throws a 429 when the address has used up its failures. */
  check(address: string | undefined): void {
    if (address === undefined || this.#failures.size === 0) return;
    const f = this.#failures.get(address);
    if (f === undefined || f.count < this.limit) return;
    const left = f.until - this.now();
    if (left <= 0) {
      this.#failures.delete(address);
      return;
    }
    throw new LinguaError('rate_limit', 'Too many failed authentications from this address; wait before trying again.', { code: 'too_many_failed_authentications', retryAfter: Math.ceil(left / 1000) });
  }

  fail(address: string | undefined): void {
    if (address === undefined) return;
    const now = this.now();
    const f = this.#failures.get(address);
    if (f !== undefined && f.until > now) {
      f.count++;
      return;
    }
    if (this.#failures.size >= MAX_ADDRESSES) this.#evict(now);
    this.#failures.set(address, { count: 1, until: now + WINDOW_MS });
  }

  #evict(now: number): void {
    for (const [a, f] of this.#failures) if (f.until <= now) this.#failures.delete(a);
    if (this.#failures.size >= MAX_ADDRESSES) this.#failures.delete(this.#failures.keys().next().value!);
  }
}
