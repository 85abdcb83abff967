import type { z } from 'zod';
import type { ChatRequest, EmbedRequest, EmbedResult, EventBatches, EventStream, WireProtocol } from '../canonical/index.js';
import type { AbortWatch } from '../lib/abort-source.js';
import type { Logger } from '../lib/logger.js';
import type { ParamAdaptations } from '../params/unsupported-policy.js';

/** One generation asked of a provider. */
export interface ProviderCall {
  request: ChatRequest;
  /** The backend's own model id (the config's `models[].model`). */
  model: string;
  /**
   * Aborted when the client goes away or the server shuts down. The call
   * then fails with a `client_closed` LinguaError (`clientClosed()`), never
   * an AbortError, and never ends as if the answer were complete.
   */
  signal: AbortSignal;
  /**
   * The same abort, cheaper to watch: when present, use it rather than
   * `signal`, which may then be built only when read.
   */
  abort?: AbortWatch;
  /**
   * Where the request mapping records what it dropped or clamped for the
   * backend, under the model's `unsupported_params` policy (absent:
   * `strict`, a 400 for each).
   */
  adaptations?: ParamAdaptations;
}

/** One embeddings call asked of a provider: as a ProviderCall, with an EmbedRequest. */
export interface EmbedCall extends Omit<ProviderCall, 'request' | 'adaptations'> {
  request: EmbedRequest;
}

/**
 * A backend. `stream` yields canonical events; failures surface as a thrown
 * LinguaError (before or during the stream), never as a silent end.
 */
export interface Provider {
  readonly name: string;
  stream(call: ProviderCall): EventStream;
  /**
   * Optional fast path: the same events as `stream`, grouped as they arrive
   * (one group per upstream read), so the server writes them together.
   */
  batches?(call: ProviderCall): EventBatches;
  /**
   * Input tokens the request would use on `model`, as the backend counts
   * them (exact for the local engine, the upstream's own count where it has
   * one). Providers that cannot count leave it out, or resolve to undefined
   * when they find out per call (an upstream without a count endpoint);
   * callers then estimate.
   */
  countTokens?(request: ChatRequest, model: string, signal: AbortSignal): Promise<number | undefined>;
  /**
   * Its first event carries the input tokens it was charged
   * (`opening.inputTokens`, Anthropic's `message_start`): a stream that must
   * report them first waits for that event instead of calling `countTokens`.
   */
  readonly opensWithInputTokens?: boolean;
  /** The vectors of an embeddings request; absent: the provider serves no embeddings. */
  embed?(call: EmbedCall): Promise<EmbedResult>;
  /**
   * The kind of model it serves: `chat` (when absent), `embedding` (a local
   * embedding model: chat is refused), or `any` (an upstream that serves
   * both: each model's `embedding: true` says which it is).
   */
  readonly modelKind?: 'chat' | 'embedding' | 'any';
  /**
   * What the backend does with `stop` when it cannot do all a client may
   * ask: at most `max` sequences, and whether it says which one matched.
   * Absent: any number, reported. Otherwise the router matches the
   * sequences itself when needed (src/router/stop-matching.ts).
   */
  readonly stops?: { max: number; reportsMatch: boolean };
  /** 1: the backend makes one choice per call (`n` > 1 is then n calls: src/router/fan-out.ts); absent: it takes `n`. */
  readonly choicesPerCall?: 1;
  /**
   * The protocol whose clients' bodies it is sent as they came
   * (src/canonical/passthrough.ts); a request holding a field only that
   * protocol's backends honour is refused for every other (src/router/attempts.ts).
   */
  readonly passthrough?: WireProtocol;
  /** Starts whatever the provider needs (loads a model); optional. */
  start?(): Promise<void>;
  /** Whether it can serve now (`/health/ready`); absent: always, as far as Lingua can tell without a call. */
  health?(): ProviderHealth;
  /** Gauges for `/metrics` and `/admin/health`, read at scrape time (never per request). */
  stats?(): ProviderStats;
  close(): Promise<void>;
}

/** A provider's own view of whether it can serve. */
export interface ProviderHealth {
  ready: boolean;
  /** `ready`, `loading`, `unavailable` (a local model missing or failed to load), `closed`. */
  state: string;
  /** Why it is not ready. */
  message?: string;
}

/** What a provider holds at this moment. */
export interface ProviderStats {
  /** An HTTP upstream's keep-alive pool (undici `Pool.stats`). */
  connections?: { open: number; free: number; pending: number; running: number };
  /** The local engine: its context sequences and the requests waiting for one. */
  engine?: { sequences: number; busy: number; queued: number; /** Prompts rendered through the chat template so far. */ renders?: number };
}

export interface ProviderContext {
  logger: Logger;
}

/** How a provider type plugs in: its config schema and a constructor. */
export interface ProviderFactory<S extends z.ZodObject = z.ZodObject> {
  type: string;
  /** Schema of one `providers[]` entry of this type (with `name` and `type`). */
  schema: S;
  create(config: z.infer<S>, context: ProviderContext): Provider;
}
