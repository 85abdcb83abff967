import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatRequest, EmbedRequest, LinguaError, Usage } from '../canonical/index.js';
import type { Caller } from '../auth/caller.js';
import { AbortSource } from '../lib/abort-source.js';
import type { Logger } from '../lib/logger.js';
import type { Reservation } from '../limits/budget-store.js';
import type { Lease } from '../limits/limiter.js';
import type { ParamAdaptations } from '../params/unsupported-policy.js';
import type { Endpoint } from '../protocols/contract.js';
import type { Deployment, ModelEntry } from '../router/router.js';

/**
 * One request on its way through the pipeline: what each stage learnt, for
 * the stages after it and for the one usage record and log line at the end.
 * Made by the HTTP edge when the request arrives, before its body is read,
 * so that a client that leaves at any moment is seen (`clientClosed`).
 */
export class Exchange {
  /** `performance.now()` when the request arrived. */
  readonly arrived = performance.now();
  /** Unix ms when the request arrived. */
  readonly time = Date.now();
  /** Aborted when the client goes away, or the server gives up on the request at shutdown. */
  readonly abort = new AbortSource();
  /** The client went away before its answer was complete. */
  clientClosed = false;

  caller: Caller | undefined;
  request: ChatRequest | undefined;
  /** An embeddings request (the `embed` endpoint), in place of `request`. */
  embed: EmbedRequest | undefined;
  model: ModelEntry | undefined;
  /** The deployment that served (the last one tried) and how many were tried. */
  target: Deployment | undefined;
  attempts = 0;
  /** What the serving attempt's mapping dropped or clamped for its backend (`x-lingua-adapted`, the log line). */
  adaptations: ParamAdaptations | undefined;
  /** The backend's usage report, when it sent one (once settled: what was recorded). */
  usage: Usage | undefined;
  /** The recorded usage is Lingua's estimate (the backend reported none). */
  usageEstimated = false;
  /** What the request cost in nano-USD, once settled (generating endpoints). */
  cost = 0;
  /** The request's hold on its rate limits and budgets, let go when it settles. */
  lease: Lease | undefined;
  reservation: Reservation | undefined;
  /** Characters of output streamed so far: an estimate of output tokens when the backend sent no usage. */
  outputChars = 0;
  /** ms from arrival to the first output sent to the client. */
  ttftMs: number | undefined;
  /** Why the request failed (the error the client got, or would have). */
  failure: LinguaError | undefined;

  constructor(
    readonly endpoint: Endpoint,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The request's id: in its response header, its log line and its usage record. */
    readonly requestId: string,
    readonly log: Logger,
  ) {
    // Left on: once the response is finished, its 'close' aborts nothing.
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientClosed = true;
      this.abort.abort();
    });
  }

  /** Called by the router for each deployment it tries. */
  attempt(deployment: Deployment, adaptations?: ParamAdaptations): void {
    this.target = deployment;
    this.adaptations = adaptations;
    this.attempts++;
  }

  /** A prefix endpoint's argument: the path after the endpoint's, still URL-encoded, without a trailing slash; and the query. */
  pathArgument(): { arg: string; query: string } {
    const url = this.req.url ?? '';
    const q = url.indexOf('?');
    const arg = (q === -1 ? url : url.slice(0, q)).slice(this.endpoint.path.length).replace(/\/$/, '');
    return { arg, query: q === -1 ? '' : url.slice(q + 1) };
  }

  /** ms since arrival. */
  elapsedMs(): number {
    return performance.now() - this.arrived;
  }

  /** The status the request ended with: 499 when the client left first. */
  get status(): number {
    if (this.clientClosed) return 499;
    return this.failure?.status ?? 200;
  }
}
