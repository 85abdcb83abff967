import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest, ChatResult, LinguaError, StreamEvent } from '../canonical/index.js';

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
}

/** What the pipeline knows when a stream starts. */
export interface StreamStart {
  /** Input tokens of the request, for protocols that set `countsInputFirst`. */
  inputTokens?: number;
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A wire protocol: the decode/encode pair around the canonical types. */
export interface ChatProtocol {
  /** The caller's API key, from wherever this protocol carries it. */
  apiKey(headers: IncomingHttpHeaders): string | undefined;
  decode(body: unknown): ChatRequest;
  encodeResult(result: ChatResult, request: ChatRequest): unknown;
  streamEncoder(request: ChatRequest, start: StreamStart): StreamEncoder;
  /**
   * The protocol reports input tokens before any output (Anthropic's
   * `message_start`): the pipeline counts them while the backend starts.
   */
  countsInputFirst?: boolean;
  renderError(error: LinguaError): RenderedError;
}
