import type { KeyStore } from '../auth/key-store.js';
import type { Router } from '../router/router.js';

/** What request handlers need from the running server; built once per app. */
export interface ServerContext {
  keys: KeyStore;
  router: Router;
  heartbeatMs: number;
  /** Abort controllers of requests in flight, for shutdown. */
  inflight: Set<AbortController>;
  /** Unix seconds the server started (the `created` of listed models). */
  startedAt: number;
}
