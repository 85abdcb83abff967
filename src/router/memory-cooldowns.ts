import type { CooldownPolicy, CooldownStore } from './cooldowns.js';

/** The circuit breakers of one instance, in memory. */
export class MemoryCooldowns implements CooldownStore {
  readonly #clock: () => number;
  /** Failure times of closed targets, oldest first (at most `failures` kept). */
  readonly #failures = new Map<string, number[]>();
  readonly #until = new Map<string, number>();
  /** Half-open targets whose probe is out: until when its claim holds. */
  readonly #probes = new Map<string, number>();

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  until(target: string): number | undefined {
    return this.#until.get(target);
  }

  /** Synchronous: the state has changed when it returns (the Redis store falls back on it). */
  failNow(target: string, policy: CooldownPolicy): number | undefined {
    if (policy.failures === 0) return undefined;
    const now = this.#clock();
    const until = this.#until.get(target);
    if (until !== undefined) return until > now ? undefined : this.#open(target, now + policy.durationMs);
    let times = this.#failures.get(target);
    if (times === undefined) this.#failures.set(target, times = []);
    while (times.length > 0 && times[0]! <= now - policy.windowMs) times.shift();
    times.push(now);
    if (times.length > policy.failures) times.shift();
    return times.length >= policy.failures ? this.#open(target, now + policy.durationMs) : undefined;
  }

  fail(target: string, policy: CooldownPolicy): Promise<number | undefined> {
    return Promise.resolve(this.failNow(target, policy));
  }

  succeedNow(target: string): void {
    const until = this.#until.get(target);
    if (until === undefined || until > this.#clock()) return;
    this.#until.delete(target);
    this.#probes.delete(target);
  }

  succeed(target: string): Promise<void> {
    this.succeedNow(target);
    return Promise.resolve();
  }

  claimProbeNow(target: string, leaseMs: number): boolean {
    const now = this.#clock();
    const held = this.#probes.get(target);
    if (held !== undefined && held > now) return false;
    this.#probes.set(target, now + leaseMs);
    return true;
  }

  claimProbe(target: string, leaseMs: number): Promise<boolean> {
    return Promise.resolve(this.claimProbeNow(target, leaseMs));
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #open(target: string, until: number): number {
    this.#until.set(target, until);
    this.#failures.delete(target);
    this.#probes.delete(target);
    return until;
  }
}
