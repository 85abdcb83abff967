/** A target's circuit breaker settings, in ms (the config's `cooldown`). */
export interface CooldownPolicy {
  /** Failures within `windowMs` that open the breaker; 0: never. */
  failures: number;
  windowMs: number;
  /** How long an open breaker skips the target before one probe may go. */
  durationMs: number;
}

/**
 * The circuit breakers of every target, by target id (`provider/upstream
 * model`): closed (no record), open (cooling until a time to come), or
 * half-open (that time has passed: one probe may go; its success closes
 * the breaker, its failure opens it again). In memory for one instance
 * (MemoryCooldowns), in Redis for many (RedisCooldowns); both pass one
 * contract suite (test/router/cooldown-contract.ts).
 */
export interface CooldownStore {
  /**
   * When the target's cooldown ends (unix ms) as this instance knows it;
   * undefined: closed. A time already past: half-open. Synchronous and cheap:
   * read for every request.
   */
  until(target: string): number | undefined;
  /**
   * A failure of the target. Counted in the window while closed; while
   * half-open it opens the breaker again at once; while open it changes
   * nothing. Resolves with the cooldown's end when this failure opened it.
   */
  fail(target: string, policy: CooldownPolicy): Promise<number | undefined>;
  /** A success of a half-open target (its probe): closes the breaker. */
  succeed(target: string): Promise<void>;
  /** Half-open: true for one caller, across instances, until the probe settles or `leaseMs` pass. */
  claimProbe(target: string, leaseMs: number): Promise<boolean>;
  /** Reads the state other instances wrote (Redis); nothing to do in memory. */
  sync(): Promise<void>;
  close(): Promise<void>;
}
