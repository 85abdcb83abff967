import type { AuthThrottle } from '../auth/auth-throttle.js';
import type { KeyStore } from '../auth/key-store.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { BudgetStore } from '../limits/budget-store.js';
import type { Limiter } from '../limits/limiter.js';
import type { UsageRecord } from '../storage/index.js';
import type { ParamRanges } from '../params/param-ranges.js';
import type { Router } from '../router/router.js';
import type { SearchService } from '../search/search-service.js';
import type { Exchange } from './exchange.js';
import type { StateStore } from './caller-state.js';
import type { StreamBounds } from './stream-response.js';

/** What the pipeline's stages need from the running server; built once per server. */
export interface PipelineContext {
  /** Identifies callers by their key. */
  keys: KeyStore;
  /** Refuses addresses that keep failing authentication. */
  authThrottle: AuthThrottle;
  router: Router;
  /** Rate limits (in memory, or Redis for many instances). */
  limiter: Limiter;
  /** Budgets, reserved then settled. */
  budgets: BudgetStore;
  /** The usage ledger: one record per generating request, written in batches (src/storage/ledger-writer.ts). */
  ledger: { record(record: UsageRecord): void };
  /** Heartbeats and the bounds on a client that does not read. */
  stream: StreamBounds;
  /** Aborts of requests in flight, for shutdown. */
  inflight: Set<AbortSource>;
  /** Unix seconds the server started (the `created` of listed models). */
  startedAt: number;
  /** Per-model parameter ranges (`models[].params`), checked after decoding. */
  paramRanges: ParamRanges;
  /** Who serves `enable_search`: the backend, Lingua's search loop, or nobody (docs/search.md). */
  search: SearchService;
  /** What protocols keep between requests (stored responses) and the key that seals what clients hold. */
  state: StateStore;
  /** Told of every request once, when it is settled (src/metrics/ counts it from the Exchange). */
  metrics: RequestObserver;
}

/** Something told of each finished request: cheap, synchronous, never throws. */
export interface RequestObserver {
  finished(ex: Exchange): void;
}
