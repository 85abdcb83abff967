import { clientClosed, LinguaError, type ChatRequest, type EmbedRequest } from '../canonical/index.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { Logger } from '../lib/logger.js';
import type { CooldownStore } from './cooldowns.js';
import type { Deployment, ModelEntry } from './model-entry.js';
import { pickTarget } from './pick-target.js';
import { backoffMs, verdictOf } from './retry-policy.js';

/** What a run needs of its router. */
export interface RouteServices {
  cooldowns: CooldownStore;
  logger: Logger;
  random: () => number;
  /** A configured model by name (fallbacks name them). */
  model(name: string): ModelEntry | undefined;
}

/** An attempt that failed before its first batch. */
export interface Failure {
  d: Deployment;
  error: LinguaError;
  /** The attempt was its target's probe (the target was half-open). */
  probe: boolean;
}

/** The next attempt: a target, and whether it is a half-open target's probe. */
export interface Choice {
  d: Deployment;
  probe: boolean;
}

/**
 * The routing decisions of one request once its first attempt failed (or
 * could not be made on the fast path): which target next, after what wait,
 * on which model. A model's untried targets come first, best tier first,
 * chosen by its strategy, skipping cooling ones and claiming the probe of
 * a half-open one; then retries of its failed targets (at most
 * `max_retries`, each after a full-jitter backoff or the upstream's
 * `retry-after`); then the next fallback model (the caller's `models`, else
 * the model's `fallbacks`; after a context-length error, its
 * `context_fallbacks`). No attempt starts after `retry_budget_s` from the
 * first; a client that leaves stops everything at once.
 */
/** What a run routes: a chat request, or an embeddings request. */
export type RouteRequest = ChatRequest | EmbedRequest;

export class RouteRun<R extends RouteRequest = ChatRequest> {
  readonly #s: RouteServices;
  readonly #primary: ModelEntry;
  readonly #start = performance.now();
  readonly #stream: boolean;
  #model: ModelEntry;
  #queue: ModelEntry[];
  #inContext = false;
  /** The current model has nothing left to try (a context-length error). */
  #modelDone = false;
  readonly #tried = new Set<ModelEntry>();
  #failed = new Set<Deployment>();
  /** Failed targets never tried again in this request (credentials refused, a retry-after past the cap). */
  #skipped = new Set<Deployment>();
  #retryAfterMs = new Map<Deployment, number>();
  #retries = 0;
  #attempts = 0;
  #last: Failure | undefined;

  constructor(services: RouteServices, primary: ModelEntry, readonly request: R, readonly abort: AbortSource, fallbacks: readonly ModelEntry[] | undefined) {
    this.#s = services;
    this.#primary = primary;
    this.#model = primary;
    // An embeddings call is answered whole, like a non-streaming chat.
    this.#stream = 'stream' in request && request.stream;
    this.#queue = fallbacks === undefined ? this.#entries(primary.fallbacks) : [...fallbacks];
  }

  /** The first attempt's model and number: counted before it is made. */
  started(): void {
    this.#attempts++;
  }

  /**
   * The next attempt, after `failure` (none: the request's first). Throws
   * the error to answer with when nothing is left to try.
   */
  async next(failure?: Failure): Promise<Choice> {
    if (failure !== undefined) await this.#failure(failure);
    for (;;) {
      const choice = await this.#pick(failure);
      if (choice !== undefined) {
        this.#attempts++;
        return choice;
      }
      if (!this.#nextModel(failure)) {
        const panic = this.#panic();
        this.#attempts++;
        return panic;
      }
    }
  }

  /** Records the failure on its target's breaker; throws it when it is the answer. */
  async #failure(failure: Failure): Promise<void> {
    const { d, error } = failure;
    this.#last = failure;
    if (this.abort.aborted) throw error.kind === 'client_closed' ? error : clientClosed(error);
    const verdict = verdictOf(error);
    if (verdict === 'final' || verdict === 'context') {
      // The upstream answered: a probe shows the target is back.
      if (failure.probe && error.kind !== 'client_closed') await this.#s.cooldowns.succeed(d.health.id);
      if (verdict === 'final') throw error;
      if (!this.#inContext) {
        this.#inContext = true;
        this.#queue = this.#entries(this.#primary.contextFallbacks);
      }
      this.#modelDone = true;
      return;
    }
    d.health.failures++;
    const opened = await this.#s.cooldowns.fail(d.health.id, this.#model.cooldown);
    if (opened !== undefined) {
      d.health.cooldownsOpened++;
      this.#s.logger.warn({ model: this.#model.name, target: d.health.id, status: error.status, until: new Date(opened).toISOString() }, 'routing: target cooling down after repeated failures');
    }
    this.#failed.add(d);
    if (verdict === 'failover') this.#skipped.add(d);
    else if (error.retryAfter !== undefined) {
      const ms = error.retryAfter * 1000;
      if (ms > this.#model.retry.retryAfterMaxMs) this.#skipped.add(d);
      else this.#retryAfterMs.set(d, ms);
    }
  }

  /** The current model's next target, or undefined when it has none left. */
  async #pick(failure: Failure | undefined): Promise<Choice | undefined> {
    if (this.abort.aborted) throw clientClosed();
    if (this.#modelDone) return undefined;
    const m = this.#model;
    const elapsed = performance.now() - this.#start;
    if (this.#last !== undefined && elapsed >= this.#primary.retry.budgetMs) throw this.#last.error;
    const { cooldowns } = this.#s;
    const now = Date.now();
    for (const tier of m.tiers) {
      let pool = tier.filter((d) => !this.#failed.has(d) && !this.#skipped.has(d) && !cooling(cooldowns, d, now));
      while (pool.length > 0) {
        const d = pickTarget(pool, m.strategy, this.#stream, this.#s.random);
        const probe = cooldowns.until(d.health.id) !== undefined;
        if (!probe || await cooldowns.claimProbe(d.health.id, m.cooldown.durationMs)) {
          if (failure !== undefined) this.#logRetry(failure, d, 0);
          return { d, probe };
        }
        pool = pool.filter((x) => x !== d);
      }
    }
    if (this.#retries >= m.retry.maxRetries) return undefined;
    for (const tier of m.tiers) {
      const pool = tier.filter((d) => this.#failed.has(d) && !this.#skipped.has(d) && cooldowns.until(d.health.id) === undefined);
      if (pool.length === 0) continue;
      const d = pickTarget(pool, m.strategy, this.#stream, this.#s.random);
      const { retry } = m;
      const delay = Math.max(backoffMs(this.#retries + 1, retry.backoffBaseMs, retry.backoffMaxMs, this.#s.random), this.#retryAfterMs.get(d) ?? 0);
      // A wait past the budget: no retry here, but a fallback may still start at once.
      if (elapsed + delay > this.#primary.retry.budgetMs) return undefined;
      this.#retries++;
      m.counters.retries++;
      d.health.retries++;
      if (failure !== undefined) this.#logRetry(failure, d, delay);
      await this.#sleep(delay);
      // It may have cooled down meanwhile (other requests failed on it).
      if (cooldowns.until(d.health.id) !== undefined) return this.#pick(failure);
      return { d, probe: false };
    }
    return undefined;
  }

  #logRetry(failure: Failure, d: Deployment, delay: number): void {
    this.#s.logger.warn({
      model: this.#model.name, target: d.health.id, failed_target: failure.d.health.id, status: failure.error.status,
      error: failure.error.message, attempt: this.#attempts + 1, delay_ms: Math.round(delay),
    }, 'routing: attempt failed before the first byte; retrying');
  }

  /** Moves on to the next fallback model; false when there is none. */
  #nextModel(failure: Failure | undefined): boolean {
    this.#tried.add(this.#model);
    for (;;) {
      const next = this.#queue.shift();
      if (next === undefined) return false;
      if (this.#tried.has(next)) continue;
      const from = this.#model;
      if (this.#inContext) from.counters.contextFallbacks++;
      else from.counters.fallbacks++;
      this.#s.logger.warn({
        model: from.name, fallback: next.name, reason: this.#inContext ? 'context_length' : failure === undefined ? 'cooling' : 'failed',
        status: this.#last?.error.status, attempt: this.#attempts + 1,
      }, 'routing: falling back to another model');
      this.#model = next;
      this.#modelDone = false;
      this.#failed = new Set();
      this.#skipped = new Set();
      this.#retryAfterMs = new Map();
      this.#retries = 0;
      return true;
    }
  }

  /**
   * Nothing is left to try. After a failure, that failure is the answer.
   * With no attempt made at all (every target of the model and of its
   * fallbacks cooling), the request is still tried once, without retries,
   * on the target whose cooldown ends first: a breaker keeps traffic off a
   * failing target while there is another, but never turns a degraded
   * upstream into a total outage (Envoy's "panic mode").
   */
  #panic(): Choice {
    if (this.#last !== undefined) throw this.#last.error;
    let best: Deployment | undefined;
    let soonest = Infinity;
    for (const m of this.#tried) {
      for (const d of m.deployments) {
        const until = this.#s.cooldowns.until(d.health.id) ?? -Infinity;
        if (until < soonest) [best, soonest] = [d, until];
      }
    }
    if (best === undefined) throw new LinguaError('unavailable', `The model '${this.#primary.name}' has no target to serve it.`, { code: 'no_target' });
    this.#s.logger.warn({ model: this.#primary.name, target: best.health.id }, 'routing: every target is cooling down; trying the one that recovers first, once');
    this.#model = best.model === this.#model.name ? this.#model : this.#s.model(best.model) ?? this.#model;
    this.#modelDone = true;
    return { d: best, probe: false };
  }

  #entries(names: readonly string[]): ModelEntry[] {
    return names.flatMap((n) => this.#s.model(n) ?? []);
  }

  /** Waits `ms`; a client that leaves ends the wait at once with `client_closed`. */
  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const { abort } = this;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(clientClosed());
      };
      const timer = setTimeout(() => {
        abort.unlisten(onAbort);
        resolve();
      }, ms);
      abort.listen(onAbort);
    });
  }
}

/** Open: skipped. Half-open (its end passed): usable by a probe. */
function cooling(cooldowns: CooldownStore, d: Deployment, now: number): boolean {
  const until = cooldowns.until(d.health.id);
  return until !== undefined && until > now;
}
