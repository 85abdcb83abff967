import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, ChatResult, EmbedRequest, EmbedResult, LinguaError, StreamEvent, StreamOpening } from '../canonical/index.js';

/**
 * What a wire protocol implements, and the endpoints it offers. The request
 * pipeline (src/pipeline/) drives these; a protocol folder imports this
 * file and the canonical types, never the pipeline or the server.
 */

/** Turns canonical events into one protocol's SSE text. */
export interface StreamEncoder {
  /** Frames sent before the first event. */
  start(): string;
  event(e: StreamEvent): string;
  /** Frames that close a successful stream. */
  end(): string;
  /** Frames that close a stream that failed after it began. */
  error(error: LinguaError): string;
  /** A keep-alive frame for a silent backend. */
  heartbeat(): string;
  /**
   * A frame carrying response-level fields that have no event of their own
   * (web search's `search_results`). Protocols without one leave it out.
   */
  annotate?(fields: Record<string, unknown>): string;
  /**
   * Called once the backend has finished, before `end()`: keeps what the
   * protocol keeps of the answer (a stored response), so that it can be
   * read back as soon as the client has the last frame.
   */
  keep?(): Promise<void>;
}

/** What the pipeline knows when a stream starts. */
export interface StreamStart {
  /** Input tokens of the request, for protocols that set `countsInputFirst`. */
  inputTokens?: number;
  /** What the backend said at its opening (its first event's), for an encoder of its protocol. */
  opening?: StreamOpening;
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One limit's standing, for the response headers that report it. */
export interface LimitStanding {
  limit: number;
  remaining: number;
  /** Milliseconds until the limit is fully available again. */
  resetMs: number;
}

/** The most constraining request and token limits that applied to a call. */
export interface RateLimitReport {
  requests?: LimitStanding;
  tokens?: LimitStanding;
}

/** A wire protocol: the decode/encode pair around the canonical types. */
export interface ChatProtocol {
  /** Its name in usage records and logs: `openai`, `anthropic`, `envelope`. */
  name: string;
  /** The caller's API key, from wherever this protocol carries it. */
  apiKey(headers: IncomingHttpHeaders): string | undefined;
  /** `headers`: the request's, for what a protocol carries there besides the key (`anthropic-beta`). */
  decode(body: unknown, headers?: IncomingHttpHeaders): ChatRequest;
  encodeResult(result: ChatResult, request: ChatRequest): unknown;
  streamEncoder(request: ChatRequest, start: StreamStart): StreamEncoder;
  /**
   * The protocol reports input tokens before any output (Anthropic's
   * `message_start`): the pipeline counts them while the backend starts.
   */
  countsInputFirst?: boolean;
  /** `request`: the decoded request, when there is one, for fields named in the client's terms (canonical/client-paths.ts). */
  renderError(error: LinguaError, request?: ChatRequest): RenderedError;
  /** The rate-limit headers this API sends on every answer (`now`: Unix ms). */
  rateLimitHeaders?(report: RateLimitReport, now: number): Record<string, string>;
  /**
   * Runs once the caller is known and the model authorized, before limits:
   * loads what the request refers to from the caller's kept state (the
   * Responses API's `previous_response_id`, item references, sealed reasoning).
   */
  prepare?(request: ChatRequest, state: CallerState): Promise<void>;
  /** The non-streaming answer's body, before it is sent: keeps what the protocol keeps of it. */
  keep?(request: ChatRequest, body: unknown): Promise<void>;
}

/** A response a protocol kept between requests (the Responses API's `store`). */
export interface KeptResponse {
  id: string;
  /** Unix ms. */
  createdAt: number;
  model: string;
  previousResponseId: string | null;
  /** The response object as the client got it. */
  response: Record<string, unknown>;
  /** The conversation it answered, in the protocol's own items. */
  inputItems: unknown[];
  /** Protocol-private values kept beside it (sealed reasoning by item id), never shown as they are. */
  sealed?: Record<string, string>;
}

/** What a protocol may keep and read back, scoped to the caller's account. */
export interface CallerState {
  get(id: string): Promise<KeptResponse | undefined>;
  put(response: KeptResponse): Promise<void>;
  /** True when the account had it. */
  delete(id: string): Promise<boolean>;
  /** Seals a value so that only this server, for this account, can read it back (`open`). */
  seal(plaintext: string): string;
  /** What `seal` sealed for this account, or undefined for anything else. */
  open(token: string): string | undefined;
}

/** A model as the models endpoints list it. */
export interface ModelInfo {
  id: string;
  ownedBy: string;
  /** Unix seconds. */
  created: number;
  /** USD per million tokens, when the operator priced the model. */
  pricing?: { input: number; cachedInput: number; output: number; reasoning?: number };
  contextLength?: number;
}

/** How input tokens were counted for `count_tokens`. */
export interface InputTokenCount {
  inputTokens: number;
  /** `backend`: the provider counted (exact); `estimate`: Lingua's estimate. */
  source: 'backend' | 'estimate';
}

interface EndpointBase {
  method: 'GET' | 'POST' | 'DELETE';
  /**
   * The path, without query string or trailing slash. With `prefix`, every
   * path under it (`/v1/models/` + an id); the rest is the endpoint's argument.
   */
  path: string;
  prefix?: boolean;
  /** Whose key header, error shape and rate-limit headers the endpoint uses. */
  protocol: ChatProtocol;
  /** The endpoint's name in usage records and logs (`chat.completions`, `messages`…). */
  name: string;
}

/** Generates: chat, messages, the envelope. Metered, limited and recorded. */
export interface GenerateEndpoint extends EndpointBase {
  kind: 'generate';
}

/** Counts a prompt's input tokens without generating. */
export interface CountTokensEndpoint extends EndpointBase {
  kind: 'count_tokens';
  decode(body: unknown): ChatRequest;
  encode(count: InputTokenCount): unknown;
  /** A response header that says who counted (`backend` or `estimate`). */
  sourceHeader?: string;
}

/** Lists the models a caller may use (no argument), or shows one (with `prefix`). */
export interface ModelsEndpoint extends EndpointBase {
  kind: 'models';
  encodeList(models: readonly ModelInfo[]): unknown;
  encodeOne(model: ModelInfo): unknown;
}

/** Reads or deletes what a protocol kept (`GET` / `DELETE /v1/responses/{id}`…); always with `prefix`. */
export interface StateEndpoint extends EndpointBase {
  kind: 'state';
  /** `arg`: the path after `path`, still URL-encoded; not found is a thrown `not_found` LinguaError. */
  serve(arg: string, query: URLSearchParams, state: CallerState): Promise<unknown>;
}

/** Embeds texts or token arrays: metered, limited and recorded like `generate`. */
export interface EmbedEndpoint extends EndpointBase {
  kind: 'embed';
  decode(body: unknown): EmbedRequest;
  /** The answer; its `model` is the public name the request asked for. */
  encode(result: Required<EmbedResult>, request: EmbedRequest): unknown;
}

export type Endpoint = GenerateEndpoint | CountTokensEndpoint | ModelsEndpoint | StateEndpoint | EmbedEndpoint;
