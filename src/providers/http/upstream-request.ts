import type { Dispatcher } from 'undici';
import { LinguaError } from '../../canonical/index.js';
import type { AbortWatch } from '../../lib/abort-source.js';
import { SseDecoder, type ServerSentEvent } from '../../lib/sse-decoder.js';
import { AbortHandle } from './abort-handle.js';
import { parseRetryAfter, upstreamConnectionError, upstreamStatusError, upstreamTimeoutError } from './upstream-error.js';

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
}

/**
 * One upstream POST under Lingua's timeouts and abort rules; every failure
 * comes out as a LinguaError. Use `send()`, then `json()`, `eventGroups()` or `jsonEvents()`;
 * `close()` in a `finally` ends the timer and the abort listener.
 */
export class UpstreamExchange {
  readonly #p: UpstreamPost;
  readonly #abort = new AbortHandle();
  readonly #onAbort = () => this.#abort.abort();
  #timer: NodeJS.Timeout | undefined;
  #timedOut = false;
  /** The response body was read to its end: nothing is left to abort. */
  #finished = false;

  constructor(p: UpstreamPost) {
    this.#p = p;
  }

  async send(): Promise<Dispatcher.ResponseData> {
    const p = this.#p;
    if (p.abort.aborted) throw this.#failure(undefined);
    p.abort.listen(this.#onAbort);
    if (!p.stream) {
      this.#timer = setTimeout(() => { this.#timedOut = true; this.#abort.abort(); }, p.timeoutS * 1000);
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await p.pool.request({
        method: 'POST',
        path: p.path,
        headers: p.headers,
        body: p.body,
        signal: this.#abort,
        headersTimeout: p.timeoutS * 1000,
        bodyTimeout: (p.stream ? p.idleTimeoutS : p.timeoutS) * 1000,
      });
    } catch (error) {
      throw this.#failure(error);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      let text = '';
      try { text = await response.body.text(); } catch { /* the status says enough */ }
      throw upstreamStatusError(p.provider, response.statusCode, text, parseRetryAfter(response.headers['retry-after']));
    }
    return response;
  }

  /** Reads a JSON body; a body that is not JSON is the upstream's fault. */
  async json(response: Dispatcher.ResponseData): Promise<unknown> {
    let text: string;
    try { text = await response.body.text(); } catch (error) { throw this.#failure(error); }
    this.#finished = true;
    try { return JSON.parse(text); } catch {
      throw new LinguaError('upstream', `upstream provider '${this.#p.provider}' returned a body that is not JSON`);
    }
  }

  /** The SSE events of a streaming body, as they arrive: one non-empty group per body chunk. */
  async *eventGroups(response: Dispatcher.ResponseData): AsyncGenerator<ServerSentEvent[]> {
    const decoder = new SseDecoder();
    try {
      for await (const chunk of response.body) {
        const events = decoder.push(chunk as Uint8Array);
        if (events.length > 0) yield events;
      }
    } catch (error) {
      throw this.#failure(error);
    } finally {
      // Read to its end, or stopped by the consumer once it had ended (see settle()).
      if (response.body.readableEnded) this.#finished = true;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  }

  /**
   * Call when the stream's last event came (`[DONE]`), before stopping.
   * A body that arrived whole with that event ends on the next tick; once
   * it has, stopping aborts nothing (no error objects built, nothing
   * dispatched). Waits on no I/O: a body still open is aborted by
   * close() as before.
   */
  async settle(): Promise<void> {
    await new Promise<void>((resolve) => process.nextTick(resolve));
  }

  /** The JSON payloads of a streaming body's events, with their event names; a `[DONE]` payload ends them. */
  async *jsonEvents(response: Dispatcher.ResponseData): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
    for await (const group of this.eventGroups(response)) {
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

  close(): void {
    clearTimeout(this.#timer);
    this.#p.abort.unlisten(this.#onAbort);
    // An unfinished exchange (client gone, consumer stopped early) ends now.
    // A finished one is left alone: aborting costs an exception with a stack
    // trace and event dispatch on every request, for nothing.
    if (!this.#finished) this.#abort.abort();
  }

  #failure(error: unknown): LinguaError {
    const p = this.#p;
    if (error instanceof LinguaError) return error;
    if (p.abort.aborted) return new LinguaError('internal', 'request aborted by the client', { status: 499, cause: error });
    const code = (error as { code?: string } | null)?.code;
    if (this.#timedOut || code === 'UND_ERR_HEADERS_TIMEOUT') return upstreamTimeoutError(p.provider, p.timeoutS);
    if (code === 'UND_ERR_BODY_TIMEOUT') return upstreamTimeoutError(p.provider, p.stream ? p.idleTimeoutS : p.timeoutS);
    return upstreamConnectionError(p.provider, error);
  }
}
