import type { Exchange } from '../pipeline/exchange.js';
import type { RequestObserver } from '../pipeline/context.js';
import type { Endpoint } from '../protocols/contract.js';
import { Buckets, latencyBounds, ttftBounds } from './buckets.js';

/** The model label of a request that named no configured model: a caller's unknown name never becomes a label. */
export const UNKNOWN_MODEL = 'unknown';
/** The model label of a request refused before it named one (a bad key, a bad body, the model list). */
export const NO_MODEL = 'none';
/** The provider label of a request no provider served. */
export const NO_PROVIDER = 'none';
/** The key label of a caller without a key (a loopback server with no keys). */
export const ANONYMOUS = 'anonymous';

export type RequestLabel = 'protocol' | 'endpoint' | 'model' | 'provider';
export type UsageLabel = 'model' | 'key_id';

/** The counters of one (endpoint, model, provider). */
export interface RequestSeries {
  labels: Record<RequestLabel, string>;
  /** Requests by status. */
  statuses: Map<number, number>;
  duration: Buckets;
  ttft: Buckets;
}

/** Tokens and cost of one (model, key id). */
export interface UsageSeries {
  labels: Record<UsageLabel, string>;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  /** nano-USD. */
  cost: number;
}

/**
 * What every finished request adds to the metrics, read from its Exchange
 * once: counted in plain records found through nested maps keyed by
 * values the request already holds (its endpoint descriptor, the configured
 * model and provider names, its key id), so a request builds no label
 * object and hashes no label set. Label values are bounded: endpoints and
 * statuses, model and provider names from the config, key ids.
 */
export class RequestMetrics implements RequestObserver {
  readonly #requests = new Map<Endpoint, Map<string, Map<string, RequestSeries>>>();
  readonly #usage = new Map<string, Map<string, UsageSeries>>();

  finished(ex: Exchange): void {
    const model = ex.model?.name ?? (ex.request === undefined && ex.embed === undefined ? NO_MODEL : UNKNOWN_MODEL);
    const provider = ex.target?.provider.name ?? NO_PROVIDER;
    const series = this.#series(ex.endpoint, model, provider);
    const status = ex.status;
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    series.duration.observe(ex.elapsedMs() / 1000);
    if (ex.ttftMs !== undefined) series.ttft.observe(ex.ttftMs / 1000);
    const usage = ex.usage;
    if ((ex.endpoint.kind !== 'generate' && ex.endpoint.kind !== 'embed') || usage === undefined) return;
    if (usage.inputTokens === 0 && usage.outputTokens === 0 && ex.cost === 0) return;
    const u = this.#usageOf(model, ex.caller?.keyId ?? ANONYMOUS);
    u.inputTokens += usage.inputTokens;
    u.cachedInputTokens += usage.cachedInputTokens ?? 0;
    u.outputTokens += usage.outputTokens;
    u.cost += ex.cost;
  }

  /** Every (endpoint, model, provider) seen. */
  *requests(): Generator<RequestSeries> {
    for (const byModel of this.#requests.values()) for (const byProvider of byModel.values()) yield* byProvider.values();
  }

  /** Every (model, key id) that used tokens. */
  *usage(): Generator<UsageSeries> {
    for (const byKey of this.#usage.values()) yield* byKey.values();
  }

  #series(endpoint: Endpoint, model: string, provider: string): RequestSeries {
    let byModel = this.#requests.get(endpoint);
    if (byModel === undefined) this.#requests.set(endpoint, byModel = new Map());
    let byProvider = byModel.get(model);
    if (byProvider === undefined) byModel.set(model, byProvider = new Map());
    let series = byProvider.get(provider);
    if (series === undefined) {
      series = {
        labels: { protocol: endpoint.protocol.name, endpoint: endpoint.path, model, provider },
        statuses: new Map(),
        duration: new Buckets(latencyBounds),
        ttft: new Buckets(ttftBounds),
      };
      byProvider.set(provider, series);
    }
    return series;
  }

  #usageOf(model: string, keyId: string): UsageSeries {
    let byKey = this.#usage.get(model);
    if (byKey === undefined) this.#usage.set(model, byKey = new Map());
    let series = byKey.get(keyId);
    if (series === undefined) {
      series = { labels: { model, key_id: keyId }, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, cost: 0 };
      byKey.set(keyId, series);
    }
    return series;
  }
}
