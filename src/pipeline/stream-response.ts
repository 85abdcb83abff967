import type { ServerResponse } from 'node:http';
import { LinguaError, type StreamEvent } from '../canonical/index.js';
import { withAdaptedHeader } from '../params/unsupported-policy.js';
import type { StreamEncoder } from '../protocols/contract.js';
import type { Exchange } from './exchange.js';

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // No `connection` header: Node sets it from the request. A fixed `keep-alive` overrode a client's
  // `Connection: close`, and the next request a pooled client sent on that socket was refused as bad HTTP.
  'x-accel-buffering': 'no',
};

/** How much a client that does not read may hold up a stream. */
export interface StreamBounds {
  /** Heartbeat interval while the backend is silent. */
  heartbeatMs: number;
  /** Longest wait for the client to take written data (a `drain`) before the stream is ended. */
  stallMs: number;
  /** Most bytes left unsent in the socket's buffer before the stream is ended. */
  maxUnsentBytes: number;
}

/**
 * Writes an event stream to a client as SSE. The response is committed
 * (status 200) only when the first event arrives, so that an error before
 * it still gets its own HTTP status; if the backend stays silent for a
 * heartbeat interval first, the response is committed early to keep the
 * connection alive. A client that stops reading is waited for at most
 * `stallMs` (and `maxUnsentBytes`), then the stream ends and the backend is
 * stopped. Returns the error that ended the stream, if any; a client that
 * left is `ex.clientClosed`, not an error.
 */
export async function streamResponse(ex: Exchange, options: {
  /** The events in batches: each batch goes out in one write. */
  events: AsyncIterator<readonly StreamEvent[]>;
  encoder: StreamEncoder;
  bounds: StreamBounds;
  toError: (error: unknown) => LinguaError;
  /** Called with the first-event failure while nothing is sent yet; renders a normal error response. */
  failEarly: (error: LinguaError) => void;
}): Promise<LinguaError | undefined> {
  const { events, encoder, bounds } = options;
  const raw = ex.res;
  const gone = ex.abort;
  let committed = false;

  const write = async (text: string): Promise<void> => {
    if (text === '' || gone.aborted) return;
    if (!raw.write(text)) await drained(ex, bounds);
  };
  const commit = (): void => {
    if (committed) return;
    committed = true;
    // The attempt that sent the first event made its request already: its adaptations are known.
    raw.writeHead(200, withAdaptedHeader(sseHeaders, ex.adaptations));
    raw.write(encoder.start());
  };
  const heartbeat = setTimeout(function beat() {
    commit();
    // A client that has not taken the last write gets no more to hold.
    if (!gone.aborted && !raw.writableNeedDrain) raw.write(encoder.heartbeat());
    heartbeat.refresh();
  }, bounds.heartbeatMs);

  try {
    for (;;) {
      let step: IteratorResult<readonly StreamEvent[]>;
      try {
        step = await events.next();
      } catch (error) {
        if (gone.aborted) return undefined;
        const failure = options.toError(error);
        if (!committed) {
          options.failEarly(failure);
          return failure;
        }
        await write(encoder.error(failure));
        return failure;
      }
      if (gone.aborted) return undefined;
      commit();
      if (step.done) {
        if (encoder.keep !== undefined) await encoder.keep();
        await write(encoder.end());
        return undefined;
      }
      heartbeat.refresh();
      let text = '';
      for (const e of step.value) {
        switch (e.type) {
          case 'usage': ex.usage = e.usage; break;
          case 'text': case 'reasoning': ex.outputChars += e.text.length; break;
          case 'tool_call_delta': ex.outputChars += e.arguments.length; break;
        }
        text += encoder.event(e);
      }
      ex.ttftMs ??= ex.elapsedMs();
      await write(text);
    }
  } finally {
    clearTimeout(heartbeat);
    if (!raw.writableEnded) raw.end();
    // Stops the backend if we left early (client gone, or stalled).
    void events.return?.(undefined).catch(() => {});
  }
}

/**
 * Resolves when the client has taken what was written, or has gone. A
 * client that takes longer than `stallMs`, or lets more than
 * `maxUnsentBytes` pile up, is cut off: it counts as gone (a 499).
 */
function drained(ex: Exchange, bounds: StreamBounds): Promise<void> {
  const raw = ex.res;
  if (ex.abort.aborted || raw.destroyed) return Promise.resolve();
  if (raw.writableLength > bounds.maxUnsentBytes) {
    cutOff(ex, `the client left ${raw.writableLength} bytes unread`);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      raw.off('drain', done);
      ex.abort.unlisten(done);
      resolve();
    };
    const timer = setTimeout(() => {
      cutOff(ex, `the client read nothing for ${Math.round(bounds.stallMs / 1000)} s`);
      done();
    }, bounds.stallMs);
    raw.on('drain', done);
    ex.abort.listen(done);
  });
}

/** Ends the response of a client that stopped reading; the request counts as the client's leaving. */
function cutOff(ex: Exchange, why: string): void {
  ex.failure = new LinguaError('client_closed', `Stream ended: ${why}.`, { code: 'client_stalled' });
  ex.res.destroy();
}

/** Writes a whole body; a client that does not take it within `stallMs` is cut off. */
export function sendWhole(ex: Exchange, status: number, headers: Record<string, string | number>, text: string, stallMs: number): void {
  const raw: ServerResponse = ex.res;
  raw.writeHead(status, headers);
  raw.end(text);
  if (!raw.writableNeedDrain) return;
  const timer = setTimeout(() => { if (!raw.writableFinished) cutOff(ex, `the client read nothing for ${Math.round(stallMs / 1000)} s`); }, stallMs);
  raw.once('finish', () => clearTimeout(timer));
  raw.once('close', () => clearTimeout(timer));
}
