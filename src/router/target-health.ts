/** Weight of the newest sample in the latency averages. */
const EWMA_ALPHA = 0.3;

/**
 * What the router knows of one upstream deployment (a provider and its
 * model id), shared by every public model served there: requests in
 * flight, time to first batch (EWMA, streaming and whole answers apart:
 * they are different quantities), and counters. Its circuit breaker lives
 * in the CooldownStore, under `id`.
 */
export class TargetHealth {
  readonly id: string;
  /** Requests in flight here, counted only for models with several targets (`countsInflight`). */
  inflight = 0;
  countsInflight = false;
  /** EWMA of ms to the first batch of a streaming attempt (attempts off the fast path: models with several targets, retries). */
  ttftStreamMs: number | undefined;
  /** EWMA of ms to a non-streaming attempt's whole answer. */
  ttftWholeMs: number | undefined;
  attempts = 0;
  /** Attempts that failed before their first batch. */
  failures = 0;
  /** Attempts that were a retry of this target within one request. */
  retries = 0;
  /** Times this instance opened the target's breaker. */
  cooldownsOpened = 0;

  constructor(readonly provider: string, readonly upstreamModel: string) {
    this.id = `${provider}/${upstreamModel}`;
  }

  /** An attempt's first batch came `ms` after it started. */
  observe(ms: number, stream: boolean): void {
    if (stream) this.ttftStreamMs = this.ttftStreamMs === undefined ? ms : this.ttftStreamMs + EWMA_ALPHA * (ms - this.ttftStreamMs);
    else this.ttftWholeMs = this.ttftWholeMs === undefined ? ms : this.ttftWholeMs + EWMA_ALPHA * (ms - this.ttftWholeMs);
  }

  latency(stream: boolean): number | undefined {
    return stream ? this.ttftStreamMs : this.ttftWholeMs;
  }
}
