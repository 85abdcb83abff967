import type { Redis } from 'ioredis';
import { flattenBatches, LinguaError, WholeAnswer, type ChatRequest, type EmbedRequest, type EmbedResult, type EventBatches, type EventStream } from '../canonical/index.js';
import type { ModelConfig } from '../config/schema.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { Logger } from '../lib/logger.js';
import type { PricingConfig } from '../pricing/pricing.js';
import type { Provider } from '../providers/provider.js';
import { asLinguaError } from './as-lingua-error.js';
import { deploymentBatches, FirstBatchWatch, readWhole, retryingBatches, retryingWhole, type AttemptTrace } from './attempts.js';
import type { CooldownStore } from './cooldowns.js';
import { retryingEmbed } from './embed-attempts.js';
import { buildModels, type ModelEntry } from './model-entry.js';
import { ParamAdaptations, type UnsupportedParamsMode } from '../params/unsupported-policy.js';
import { requestModels, type ModelPermission } from './request-models.js';
import { RouteRun, type RouteServices } from './route-run.js';
import { RouterMemory } from './router-memory.js';
import { routerState, type RouterState } from './router-state.js';
import { defaultRouting, type RoutingConfig } from './routing-config.js';

export { asLinguaError } from './as-lingua-error.js';
export type { Deployment, ModelEntry } from './model-entry.js';
export type { ModelRouteState, RouterState, TargetRouteState } from './router-state.js';
export { RouterMemory } from './router-memory.js';

/** Told of each deployment a request is tried on (the usage record's target and attempts). */
export interface RouteTrace extends AttemptTrace {
  /** The caller, whose key must allow each model the request names in `models` (the Exchange's `caller`). */
  readonly caller?: { readonly models: ModelPermission } | undefined;
}

export interface RouterOptions {
  /** The top-level `routing` (defaults when absent). */
  routing?: RoutingConfig;
  /** The top-level `unsupported_params` (default `adapt`). */
  unsupportedParams?: UnsupportedParamsMode;
  /** The platform's Redis (with `redis_url`): cooldowns shared by every instance. */
  redis?: Redis | undefined;
  /** The router of the config this one replaces (a reload): its breakers, figures and counters carry on here. */
  previous?: Router | undefined;
  /** Cooldowns kept elsewhere (tests); default: Redis when given, else memory. */
  cooldowns?: CooldownStore;
  /** Where weighted picks and jitter draw from (tests pass a fixed sequence). */
  random?: () => number;
}

/**
 * Maps public model names to their targets and runs a request on them
 * (docs/routing.md): balancing by the model's strategy, retries with
 * backoff, fallback models, per-target circuit breakers. Every decision is
 * made before the first batch reaches the client; after it, a failure is
 * final. A model with one healthy target and a request without `models`
 * takes the fast path: the provider's batches as they are, with one
 * reaction on the first.
 */
export class Router {
  readonly #models: Map<string, ModelEntry>;
  readonly #logger: Logger;
  readonly #memory: RouterMemory;
  readonly #cooldowns: CooldownStore;
  readonly #services: RouteServices;

  /** `providerPricing`: each provider's default `pricing`, for models that set none. */
  constructor(models: readonly ModelConfig[], providers: ReadonlyMap<string, Provider>, logger: Logger, providerPricing: ReadonlyMap<string, PricingConfig> = new Map(), options: RouterOptions = {}) {
    const routing = options.routing ?? defaultRouting;
    this.#logger = logger;
    this.#memory = (options.previous === undefined ? undefined : options.previous.#memory) ?? new RouterMemory({ routing, redis: options.redis, logger, cooldowns: options.cooldowns });
    this.#memory.holder = this;
    this.#cooldowns = this.#memory.cooldowns;
    this.#models = buildModels(models, providers, providerPricing, routing, this.#memory, options.unsupportedParams);
    this.#services = {
      cooldowns: this.#cooldowns,
      logger,
      random: options.random ?? Math.random,
      model: (name) => this.#models.get(name),
    };
  }

  models(): ModelEntry[] {
    return [...this.#models.values()];
  }

  /** The model a request names, or a 404 `model_not_found`. */
  resolve(name: string): ModelEntry {
    const entry = this.#models.get(name);
    if (entry === undefined) {
      throw new LinguaError('not_found', `The model '${name}' does not exist or you do not have access to it.`, { param: 'model', code: 'model_not_found' });
    }
    return entry;
  }

  stream(entry: ModelEntry, request: ChatRequest, abort: AbortSource, trace?: RouteTrace): EventStream {
    return flattenBatches(this.batches(entry, request, abort, trace));
  }

  /**
   * The events of the request in batches. Throws at once (a 400, 404 or
   * 403 naming `models`) when the request's own fallbacks are not usable.
   */
  batches(entry: ModelEntry, request: ChatRequest, abort: AbortSource, trace?: RouteTrace): EventBatches {
    const only = entry.deployments.length === 1 ? entry.deployments[0]! : undefined;
    if (only === undefined || 'models' in request.extra || this.#cooldowns.until(only.health.id) !== undefined) {
      return this.#routed(entry, request, abort, trace);
    }
    const adaptations = new ParamAdaptations(only.unsupportedParams);
    trace?.attempt(only, adaptations);
    only.health.attempts++;
    const first = deploymentBatches(only, request, abort, adaptations);
    if (!request.stream) {
      return new WholeAnswer(() => readWhole(first).then(undefined, (error: unknown) =>
        retryingWhole(this.#run(entry, request, abort), this.#services, trace, { d: only, error: asLinguaError(error, this.#logger), probe: false })));
    }
    return new FirstBatchWatch(first, (error) => retryingBatches(this.#run(entry, request, abort), this.#services, trace, { d: only, error: asLinguaError(error, this.#logger), probe: false }));
  }

  /** The vectors of an embeddings request, routed as a non-streaming chat is: balancing, retries, fallbacks, breakers. */
  embed(entry: ModelEntry, request: EmbedRequest, abort: AbortSource, trace?: RouteTrace): Promise<EmbedResult> {
    return retryingEmbed(new RouteRun(this.#services, entry, request, abort, undefined), this.#services, trace);
  }

  /** Each model's targets with their health, figures and counters (this instance's). */
  state(): RouterState {
    return routerState(this.#models.values(), this.#cooldowns);
  }

  /** Re-reads cooldowns other instances changed (Redis; done every `cooldown_sync_ms` anyway). */
  sync(): Promise<void> {
    return this.#cooldowns.sync();
  }

  /** Stops following shared cooldowns; a router whose config was replaced leaves them to its successor. */
  async close(): Promise<void> {
    if (this.#memory.holder === this) await this.#memory.close();
  }

  /** The run after the fast path's first attempt failed. */
  #run(entry: ModelEntry, request: ChatRequest, abort: AbortSource): RouteRun {
    const run = new RouteRun(this.#services, entry, request, abort, undefined);
    run.started();
    return run;
  }

  #routed(entry: ModelEntry, request: ChatRequest, abort: AbortSource, trace: RouteTrace | undefined): EventBatches {
    let fallbacks: ModelEntry[] | undefined;
    if ('models' in request.extra) ({ request, models: fallbacks } = requestModels(request, entry, (name) => this.resolve(name), trace?.caller?.models));
    const run = new RouteRun(this.#services, entry, request, abort, fallbacks);
    return request.stream ? retryingBatches(run, this.#services, trace) : new WholeAnswer(() => retryingWhole(run, this.#services, trace));
  }
}

