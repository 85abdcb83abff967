import type { Config, ProviderConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { ParamRanges } from '../params/param-ranges.js';
import type { PipelineContext, RequestObserver } from '../pipeline/context.js';
import type { PricingConfig } from '../pricing/pricing.js';
import type { Provider } from '../providers/provider.js';
import { providerFactories } from '../providers/registry.js';
import { Router } from '../router/router.js';
import { nativeSearchModels, SearchService } from '../search/search-service.js';
import type { Platform } from '../server/platform.js';

/**
 * What one config makes of a running server: its providers and the
 * pipeline context over them. A request runs on the generation that was
 * current when it started, to its end; a reload makes a new one.
 */
export interface Generation {
  /** 1 for the config the server started with, then one more per reload. */
  readonly number: number;
  readonly config: Config;
  /** By name; a provider whose config did not change is the previous generation's own object. */
  readonly providers: ReadonlyMap<string, Provider>;
  /** Each provider's config as text, to tell at the next reload which ones changed. */
  readonly providerConfigs: ReadonlyMap<string, string>;
  readonly context: PipelineContext;
  /** Unix ms it became current. */
  readonly since: number;
}

export interface GenerationParts {
  platform: Platform;
  logger: Logger;
  metrics: RequestObserver;
  /** Providers given in code (tests): in every generation, never closed by a reload. */
  extraProviders: readonly Provider[];
  /** The `created` of listed models: the server's start, whatever the reloads. */
  startedAt: number;
}

/**
 * Builds (and starts) the providers of `config`, reusing those of
 * `previous` whose config is the same, and the pipeline context over them.
 * On a failure, the providers it made are closed again and nothing changes.
 */
export async function buildGeneration(config: Config, parts: GenerationParts, previous?: Generation): Promise<Generation> {
  const providers = new Map<string, Provider>();
  const providerConfigs = new Map<string, string>();
  const made: Provider[] = [];
  try {
    for (const p of config.providers as ProviderConfig[]) {
      const text = JSON.stringify(p);
      providerConfigs.set(p.name, text);
      const kept = previous?.providerConfigs.get(p.name) === text ? previous.providers.get(p.name) : undefined;
      if (kept !== undefined) {
        providers.set(p.name, kept);
        continue;
      }
      const factory = providerFactories.find((f) => f.type === p.type);
      if (factory === undefined) throw new Error(`unknown provider type '${String(p.type)}'`);
      const provider = factory.create(p as never, { logger: parts.logger });
      made.push(provider);
      providers.set(provider.name, provider);
    }
    for (const p of parts.extraProviders) providers.set(p.name, p);
    await Promise.all(made.map((p) => p.start?.()));
    const context = pipelineContext(config, providers, parts, previous);
    return { number: (previous?.number ?? 0) + 1, config, providers, providerConfigs, context, since: Date.now() };
  } catch (error) {
    await Promise.allSettled(made.map((p) => p.close()));
    throw error;
  }
}

function pipelineContext(config: Config, providers: ReadonlyMap<string, Provider>, parts: GenerationParts, previous: Generation | undefined): PipelineContext {
  const { platform, logger } = parts;
  const { server } = config;
  const configured = config.providers as ProviderConfig[];
  return {
    keys: platform.keys,
    authThrottle: platform.authThrottle,
    limiter: platform.limiter,
    budgets: platform.budgets,
    // `usage_ledger: false` records nothing.
    ledger: server.usage_ledger ? platform.storage.ledger : { record: () => {} },
    // The previous config's router hands over its cooldowns, figures and counters.
    router: new Router(config.models, providers, logger, providerPricing(configured), { routing: config.routing, unsupportedParams: config.unsupported_params, redis: platform.redis, previous: previous?.context.router }),
    stream: {
      heartbeatMs: server.heartbeat_s * 1000,
      stallMs: server.stream_stall_s * 1000,
      maxUnsentBytes: Math.floor(server.stream_max_unsent_mb * 1024 * 1024),
    },
    inflight: new Set(),
    startedAt: parts.startedAt,
    paramRanges: new ParamRanges(config.models),
    search: new SearchService(config.search, { native: nativeSearchModels(configured, config.models) }),
    state: { responses: platform.storage.responses, sealer: platform.sealer },
    metrics: parts.metrics,
  };
}

function providerPricing(providers: readonly ProviderConfig[]): Map<string, PricingConfig> {
  return new Map(providers.flatMap((p) => (p.pricing === undefined ? [] : [[p.name, p.pricing as PricingConfig]])));
}
