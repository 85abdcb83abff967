import { flattenBatches, invalidRequest, singleBatches, type ChatRequest, type EventBatches } from '../canonical/index.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { StreamEncoder } from '../protocols/contract.js';
import type { SearchBackend } from './search-backend.js';
import type { SearchConfig } from './search-config.js';
import { readSearchOptions } from './search-options.js';
import { searchLoop } from './search-loop.js';
import { streamingSearchResults, withSearchResults, type SearchSource } from './search-sources.js';
import { SearxngBackend } from './searxng.js';
import { webSearchToolName } from './web-search-tool.js';

/** How one request is generated with regard to web search. */
export interface SearchPlan {
  /** The request as the backend gets it (search fields removed unless the backend searches natively). */
  readonly request: ChatRequest;
  /** Runs the generation: the model call alone (passed on as it is), or Lingua's search loop around it. */
  stream(generate: (request: ChatRequest) => EventBatches, abort: AbortSource): EventBatches;
  /** The non-streaming response body, with `search_results` when Lingua searched. */
  annotateResult(body: unknown): unknown;
  /** The stream encoder, sending `search_results` frames when Lingua searches. */
  annotateStream(encoder: StreamEncoder): StreamEncoder;
}

export interface SearchModels {
  /** Models whose every deployment is on a `native_search: true` provider. */
  native: ReadonlySet<string>;
}

/**
 * Decides, per request, who serves `enable_search` (seed 000): the backend
 * itself (a native-search model: the fields go through untouched), Lingua
 * (a search backend is configured: the search loop), or nobody (a 400).
 * Without `enable_search: true` the fields are removed and nothing changes.
 */
export class SearchService {
  readonly #backend: SearchBackend | undefined;
  readonly #maxSearches: number;
  readonly #native: ReadonlySet<string>;

  constructor(config: SearchConfig | undefined, models: SearchModels, backend?: SearchBackend) {
    this.#backend = backend ?? (config === undefined ? undefined : new SearxngBackend(config));
    this.#maxSearches = config?.max_searches ?? 3;
    this.#native = models.native;
  }

  plan(model: string, request: ChatRequest): SearchPlan {
    if (this.#native.has(model)) return directPlan(request);
    if (!('enable_search' in request.extra) && !('search_options' in request.extra)) return directPlan(request);
    const options = readSearchOptions(request.extra);
    const stripped: ChatRequest = { ...request, extra: options.rest };
    if (!options.enabled) return directPlan(stripped);
    const backend = this.#backend;
    if (backend === undefined) {
      throw invalidRequest(
        `Web search is not available for model '${model}': this server has no search backend configured and the model's provider does not search natively. Remove 'enable_search' or ask the operator to configure one.`,
        'enable_search',
        'search_unavailable',
      );
    }
    if (request.n !== 1) throw invalidRequest("'n' must be 1 with 'enable_search'.", 'n', 'invalid_request_error');
    if (request.tools?.some((t) => t.name === webSearchToolName)) {
      throw invalidRequest(`A tool named '${webSearchToolName}' cannot be used with 'enable_search': Lingua provides that tool.`, 'tools', 'invalid_request_error');
    }
    const sources: SearchSource[] = [];
    return {
      request: stripped,
      stream: (generate, abort) => singleBatches(searchLoop({
        request: stripped, forced: options.forced, backend, maxSearches: this.#maxSearches, generate: (r) => flattenBatches(generate(r)), signal: abort.signal, sources,
      })),
      annotateResult: (body) => withSearchResults(body, sources),
      annotateStream: (encoder) => streamingSearchResults(encoder, sources),
    };
  }

  async close(): Promise<void> {
    await this.#backend?.close();
  }
}

/** The model call alone, passed on as it is. */
class DirectPlan implements SearchPlan {
  constructor(readonly request: ChatRequest) {}

  stream(generate: (request: ChatRequest) => EventBatches): EventBatches {
    return generate(this.request);
  }

  annotateResult(body: unknown): unknown {
    return body;
  }

  annotateStream(encoder: StreamEncoder): StreamEncoder {
    return encoder;
  }
}

function directPlan(request: ChatRequest): SearchPlan {
  return new DirectPlan(request);
}

/**
 * Models served natively: every config entry of the name is on a provider
 * marked `native_search: true` (a model with one plain deployment is searched
 * by Lingua, so that every deployment answers the same way).
 */
export function nativeSearchModels(
  providers: ReadonlyArray<{ name: string; native_search?: unknown }>,
  models: ReadonlyArray<{ name: string; provider?: string | undefined; targets?: ReadonlyArray<{ provider: string }> | undefined }>,
): Set<string> {
  const nativeProviders = new Set(providers.filter((p) => p.native_search === true).map((p) => p.name));
  const served = models.flatMap((m) => (m.targets ?? [{ provider: m.provider ?? '' }]).map((t) => ({ name: m.name, provider: t.provider })));
  const native = new Set(served.filter((m) => nativeProviders.has(m.provider)).map((m) => m.name));
  for (const m of served) if (!nativeProviders.has(m.provider)) native.delete(m.name);
  return native;
}
