import { flattenBatches, LinguaError, singleBatches, type ChatRequest, type EventBatches, type EventStream } from '../canonical/index.js';
import type { ModelConfig } from '../config/schema.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { Logger } from '../lib/logger.js';
import type { Provider, ProviderCall } from '../providers/provider.js';
import { Pricing, type PricingConfig } from '../pricing/pricing.js';

/** One place a model is served: a provider and the model id it knows. */
export interface Deployment {
  provider: Provider;
  upstreamModel: string;
}

export interface ModelEntry {
  name: string;
  ownedBy: string;
  deployments: Deployment[];
  /** What its tokens cost (the model's `pricing`, else its provider's); absent: unpriced. */
  pricing?: Pricing;
  contextLength?: number;
  maxOutputTokens?: number;
  /** Limits each key has on this model. */
  limits?: { rpm?: number; tpm?: number; maxConcurrency?: number };
}

/** Told of each deployment a request is tried on (the usage record's target and attempts). */
export interface RouteTrace {
  attempt(deployment: Deployment): void;
}

/**
 * Maps public model names to deployments and runs a request on them. A
 * retryable failure before the first event moves on to the next deployment
 * (a fallback); once an event reached the client, a failure is final.
 */
export class Router {
  readonly #models = new Map<string, ModelEntry>();
  readonly #logger: Logger;

  /** `providerPricing`: each provider's default `pricing`, for models that set none. */
  constructor(models: readonly ModelConfig[], providers: ReadonlyMap<string, Provider>, logger: Logger, providerPricing: ReadonlyMap<string, PricingConfig> = new Map()) {
    this.#logger = logger;
    for (const m of models) {
      const provider = providers.get(m.provider);
      if (provider === undefined) throw new Error(`model '${m.name}': no provider '${m.provider}'`);
      let entry = this.#models.get(m.name);
      if (entry === undefined) {
        entry = { name: m.name, ownedBy: m.owned_by, deployments: [] };
        this.#models.set(m.name, entry);
      }
      entry.deployments.push({ provider, upstreamModel: m.model ?? m.name });
      const pricing = m.pricing ?? providerPricing.get(m.provider);
      if (entry.pricing === undefined && pricing !== undefined) entry.pricing = new Pricing(pricing);
      entry.contextLength ??= m.context_length;
      entry.maxOutputTokens ??= m.max_output_tokens;
      if (entry.limits === undefined && m.limits !== undefined) {
        entry.limits = { rpm: m.limits.rpm, tpm: m.limits.tpm, maxConcurrency: m.limits.max_concurrency };
      }
    }
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

  /** The events in batches; a single deployment's batches are passed on as they are. */
  batches(entry: ModelEntry, request: ChatRequest, abort: AbortSource, trace?: RouteTrace): EventBatches {
    const { deployments } = entry;
    if (deployments.length === 1) {
      trace?.attempt(deployments[0]!);
      return deploymentBatches(deployments[0]!, request, abort);
    }
    return this.#withFallback(entry, request, abort, trace);
  }

  async *#withFallback(entry: ModelEntry, request: ChatRequest, abort: AbortSource, trace: RouteTrace | undefined): EventBatches {
    const { deployments } = entry;
    for (let i = 0; i < deployments.length; i++) {
      const d = deployments[i]!;
      let started = false;
      trace?.attempt(d);
      try {
        for await (const batch of deploymentBatches(d, request, abort)) {
          started = true;
          yield batch;
        }
        return;
      } catch (error) {
        const failure = asLinguaError(error, this.#logger);
        if (started || !failure.retryable || abort.aborted || i === deployments.length - 1) throw failure;
        this.#logger.warn({ model: entry.name, provider: d.provider.name, status: failure.status, err: failure.message }, 'deployment failed; trying the next one');
      }
    }
  }
}

function deploymentBatches(d: Deployment, request: ChatRequest, abort: AbortSource): EventBatches {
  const call = new Call(request, d.upstreamModel, abort);
  return d.provider.batches?.(call) ?? singleBatches(d.provider.stream(call));
}

/** A provider call whose AbortSignal is built only if the provider reads it. */
class Call implements ProviderCall {
  constructor(readonly request: ChatRequest, readonly model: string, readonly abort: AbortSource) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

/** Anything thrown as a LinguaError; an unexpected error is logged and hidden behind a 500. */
export function asLinguaError(error: unknown, logger: Logger): LinguaError {
  if (error instanceof LinguaError) return error;
  logger.error({ err: error }, 'unexpected error');
  return new LinguaError('internal', 'The server had an error while processing your request.', { cause: error });
}
