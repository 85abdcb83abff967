import type { ServerResponse } from 'node:http';
import type { LinguaError, StreamEvent, Usage } from '../canonical/index.js';
import type { StreamEncoder } from './chat-protocol.js';

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/**
 * Writes an event stream to a client as SSE. The response is committed
 * (status 200) only when the first event arrives, so that an error before
 * it still gets its own HTTP status; if the backend stays silent for a
 * heartbeat interval first, the response is committed early to keep the
 * connection alive. Returns the error that ended the stream, if any.
 */
export async function streamResponse(options: {
  raw: ServerResponse;
  /** The events in batches: each batch goes out in one write. */
  events: AsyncIterator<readonly StreamEvent[]>;
  encoder: StreamEncoder;
  /** Called with the stream's usage event as it goes by. */
  onUsage: (usage: Usage) => void;
  heartbeatMs: number;
  toError: (error: unknown) => LinguaError;
  /** Called with the first-event failure while nothing is sent yet; renders a normal error response. */
  failEarly: (error: LinguaError) => void;
}): Promise<LinguaError | undefined> {
  const { raw, events, encoder } = options;
  let committed = false;
  let closed = false;
  raw.once('close', () => { closed = true; });

  const write = async (text: string): Promise<void> => {
    if (text === '' || closed) return;
    if (!raw.write(text)) await drained(raw);
  };
  const commit = (): void => {
    if (committed) return;
    committed = true;
    raw.writeHead(200, sseHeaders);
    raw.write(encoder.start());
  };
  const heartbeat = setTimeout(function beat() {
    commit();
    if (!closed) raw.write(encoder.heartbeat());
    heartbeat.refresh();
  }, options.heartbeatMs);

  try {
    for (;;) {
      let step: IteratorResult<readonly StreamEvent[]>;
      try {
        step = await events.next();
      } catch (error) {
        const failure = options.toError(error);
        if (!committed && !closed) {
          options.failEarly(failure);
          return failure;
        }
        await write(encoder.error(failure));
        return failure;
      }
      if (closed) return undefined;
      commit();
      if (step.done) {
        await write(encoder.end());
        return undefined;
      }
      heartbeat.refresh();
      let text = '';
      for (const e of step.value) {
        if (e.type === 'usage') options.onUsage(e.usage);
        text += encoder.event(e);
      }
      await write(text);
    }
  } finally {
    clearTimeout(heartbeat);
    if (!raw.writableEnded) raw.end();
    // Stops the backend if we left early (client gone).
    void events.return?.(undefined).catch(() => {});
  }
}

function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
