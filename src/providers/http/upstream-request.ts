import type { Dispatcher } from 'undici';
import { clientClosed, LinguaError } from '../../canonical/index.js';
import type { AbortWatch } from '../../lib/abort-source.js';
import { SseDecoder, SseEventTooLarge, type ServerSentEvent } from '../../lib/sse-decoder.js';
import type { UpstreamLimits } from './upstream-config.js';
import { parseRetryAfter, parseRetryAfterMs, upstreamConnectionError, upstreamStatusError, upstreamTimeoutError } from './upstream-error.js';

export interface UpstreamPost {
  provider: string;
  pool: Dispatcher;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The client's abort (gone away, server shutting down). */
  abort: AbortWatch;
  stream: boolean;
  /** Non-streaming: the whole exchange. Streaming: until the response headers. */
  timeoutS: number;
  /** Streaming: the longest silence allowed between two body chunks. */
  idleTimeoutS: number;
  /** The pool's bound on a new connection (for the error's message). */
  connectTimeoutS?: number;
  /** The whole exchange, a stream to its end included; absent: none. */
  totalTimeoutS?: number | undefined;
  /** How much of the answer is read at most (the provider's `max_*` settings). */
  limits: UpstreamLimits;
  /** The error for a non-2xx answer, for upstreams that frame failures their own way; absent: `upstreamStatusError`. */
  statusError?: (status: number, bodyText: string, retryAfter: number | undefined) => LinguaError;
}

/** The status line and headers of a 2xx upstream answer. */
export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Body chunks held before the upstream is paused (a slow client slows the upstream, not our memory). */
const HIGH_WATER_CHUNKS = 64;
const KB = 1024;
const MB = 1024 * KB;

type Waiter = () => void;

/**
 * One upstream POST under Lingua's timeouts and abort rules; every failure
 * comes out as a LinguaError. Use `json()` alone, or `send()` then `json()`,
 * `eventGroups()` or `jsonEvents()`; `close()` in a `finally` ends the timer
 * and the abort listener, and aborts an exchange left unfinished.
 *
 * Built on undici's `dispatch` handler API rather than `request()`: the
 * body chunks come straight to this object, with no Readable stream,
 * AsyncResource or body-mixin promise per call. On the gateway benchmark
 * that is ~9 µs of CPU per request (docs/benchmark.md).
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  readonly #p: UpstreamPost;
  readonly #onAbort = () => this.#abortUpstream();
  #controller: Dispatcher.DispatchController | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Which of the exchange's own timers fired: `timeout_s` (non-streaming) or `total_timeout_s`. */
  #timedOut: 'answer' | 'finish' | undefined;
  /** Set once: the abort, timeout, connection or status failure of the exchange. */
  #failed: LinguaError | undefined;
  #response: UpstreamResponse | undefined;
  /** A non-2xx answer: its body is read for the error message. */
  #errorStatus = 0;
  #retryAfter: number | undefined;
  #chunks: Buffer[] = [];
  /** Bytes of the response body received so far. */
  #received = 0;
  /** The body is read whole (`json()`): never paused, bounded by `maxResponseMb`. */
  #whole = false;
  /** The response body was read to its end: nothing is left to abort. */
  #ended = false;
  #waiter: Waiter | undefined;
  #started = false;
  /** `send()` waits for the response head; otherwise only the body's end wakes a non-streaming reader. */
  #wantsHead = false;

  constructor(p: UpstreamPost) {
    this.#p = p;
  }

  /** Sends the request; resolves with a 2xx answer's head, throws a LinguaError otherwise. */
  async send(): Promise<UpstreamResponse> {
    this.#start();
    this.#wantsHead = true;
    while (this.#response === undefined && this.#failed === undefined) await this.#wait();
    if (this.#failed !== undefined) throw this.#failed;
    return this.#response!;
  }

  /**
   * Reads a JSON body (sending the request first, if `send()` was not
   * called); a body that is not JSON is the upstream's fault.
   */
  async json(): Promise<unknown> {
    this.#start();
    this.#whole = true;
    // A streaming exchange answered with a whole body may have paused at its high-water mark.
    this.#controller?.resume();
    while (!this.#ended && this.#failed === undefined) await this.#wait();
    if (this.#failed !== undefined) throw this.#failed;
    const text = this.#takeText();
    try { return JSON.parse(text); } catch {
      throw new LinguaError('upstream', `upstream provider '${this.#p.provider}' returned a body that is not JSON`);
    }
  }

  /** The SSE events of a streaming body, as they arrive: one non-empty group per arrival. */
  async *eventGroups(): AsyncGenerator<ServerSentEvent[]> {
    const decoder = new SseDecoder({ maxEventLength: this.#p.limits.sseEventChars });
    for (;;) {
      if (this.#chunks.length > 0) {
        const chunks = this.#chunks;
        this.#chunks = [];
        this.#controller?.resume();
        let events: ServerSentEvent[];
        try {
          events = chunks.length === 1 ? decoder.push(chunks[0]!) : chunks.flatMap((c) => decoder.push(c));
        } catch (error) {
          if (!(error instanceof SseEventTooLarge)) throw error;
          this.#tooLarge(`a stream event (or a line without its end) longer than ${this.#p.limits.maxSseEventMb} MB (max_sse_event_mb)`);
          throw this.#failed;
        }
        if (events.length > 0) yield events;
        continue;
      }
      if (this.#failed !== undefined) throw this.#failed;
      if (this.#ended) break;
      await this.#wait();
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  }

  /**
   * Call when the stream's last event came (`[DONE]`), before stopping: a
   * body that arrived whole with that event may end on the next tick, and
   * once it has, close() aborts nothing. Waits on no I/O.
   */
  async settle(): Promise<void> {
    if (!this.#ended) await new Promise<void>((resolve) => process.nextTick(resolve));
  }

  /** The JSON payloads of a streaming body's events, with their event names; a `[DONE]` payload ends them. */
  async *jsonEvents(): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
    for await (const group of this.eventGroups()) {
      for (const sse of group) {
        if (sse.data === '[DONE]') {
          await this.settle();
          return;
        }
        let data: unknown;
        try { data = JSON.parse(sse.data); } catch { data = undefined; }
        if (typeof data !== 'object' || data === null) {
          throw new LinguaError('upstream', `upstream provider '${this.#p.provider}' sent a stream event that is not a JSON object`);
        }
        yield { event: sse.event, data: data as Record<string, unknown> };
      }
    }
  }

  /** Dispatches the request, once. */
  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const p = this.#p;
    if (p.abort.aborted) {
      this.#failed = this.#failure(undefined);
      return;
    }
    p.abort.listen(this.#onAbort);
    // One timer at most: a stream has none unless total_timeout_s is set.
    const total = p.totalTimeoutS;
    if (!p.stream || total !== undefined) {
      const phase = p.stream || (total !== undefined && total < p.timeoutS) ? 'finish' : 'answer';
      const seconds = phase === 'finish' ? total! : p.timeoutS;
      this.#timer = setTimeout(() => { this.#timedOut = phase; this.#abortUpstream(); }, seconds * 1000);
    }
    p.pool.dispatch({
      method: 'POST',
      path: p.path,
      headers: p.headers,
      body: p.body,
      headersTimeout: p.timeoutS * 1000,
      bodyTimeout: (p.stream ? p.idleTimeoutS : p.timeoutS) * 1000,
    }, this);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#p.abort.unlisten(this.#onAbort);
    // An unfinished exchange (client gone, consumer stopped early) ends now.
    if (!this.#ended) this.#abortUpstream();
    this.#chunks = [];
  }

  // undici's DispatchHandler: called by the pool, never by Lingua's code.

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#failed !== undefined) controller.abort(this.#failed);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: UpstreamResponse['headers']): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    if (statusCode >= 300) {
      this.#errorStatus = statusCode;
      this.#retryAfter = parseRetryAfterMs(headers['retry-after-ms']) ?? parseRetryAfter(headers['retry-after']);
      return;
    }
    this.#response = { statusCode, headers };
    if (this.#wantsHead || this.#p.stream) this.#wake();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#failed !== undefined) return;
    this.#received += chunk.length;
    if (this.#errorStatus !== 0) {
      const limit = this.#p.limits.maxErrorBodyKb;
      if (this.#received > limit * KB) return this.#tooLarge(`an error body (HTTP ${this.#errorStatus}) longer than ${limit} KB (max_error_body_kb)`);
    } else if (this.#whole || !this.#p.stream) {
      const limit = this.#p.limits.maxResponseMb;
      if (this.#received > limit * MB) return this.#tooLarge(`a response body longer than ${limit} MB (max_response_mb)`);
    }
    this.#chunks.push(chunk);
    if (this.#p.stream && !this.#whole && this.#errorStatus === 0) {
      if (this.#chunks.length >= HIGH_WATER_CHUNKS) controller.pause();
      this.#wake();
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    if (this.#errorStatus !== 0) {
      const p = this.#p;
      const text = this.#takeText();
      this.#fail(p.statusError?.(this.#errorStatus, text, this.#retryAfter) ?? upstreamStatusError(p.provider, this.#errorStatus, text, this.#retryAfter));
    }
    this.#wake();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(this.#failure(error));
  }

  #takeText(): string {
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
  }

  /** Past one of the `limits`: the call ends with a 502 and the upstream request is aborted. */
  #tooLarge(what: string): void {
    const failure = new LinguaError('upstream', `upstream provider '${this.#p.provider}' sent ${what}; the call was stopped`, { code: 'upstream_response_too_large' });
    this.#chunks = [];
    this.#fail(failure);
    this.#controller?.abort(failure);
  }

  #abortUpstream(): void {
    if (this.#ended) return;
    const failure = this.#failure(undefined);
    this.#fail(failure);
    this.#controller?.abort(failure);
  }

  #fail(failure: LinguaError): void {
    this.#failed ??= failure;
    this.#wake();
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => { this.#waiter = resolve; });
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter();
  }

  #failure(error: unknown): LinguaError {
    const p = this.#p;
    if (error instanceof LinguaError) return error;
    if (p.abort.aborted) return clientClosed(error);
    const code = (error as { code?: string } | null)?.code;
    if (this.#timedOut === 'finish') return upstreamTimeoutError(p.provider, p.totalTimeoutS!, 'finish');
    if (this.#timedOut === 'answer' || code === 'UND_ERR_HEADERS_TIMEOUT') return upstreamTimeoutError(p.provider, p.timeoutS);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return upstreamTimeoutError(p.provider, p.connectTimeoutS ?? 10, 'connect');
    if (code === 'UND_ERR_BODY_TIMEOUT') return upstreamTimeoutError(p.provider, p.stream ? p.idleTimeoutS : p.timeoutS);
    return upstreamConnectionError(p.provider, error);
  }
}
