import type { EventBatches, EventStream, StreamEvent } from './events.js';

/** Batches as one event at a time. */
export async function* flattenBatches(batches: EventBatches): EventStream {
  for await (const batch of batches) for (const e of batch) yield e;
}

/** Events as batches of one (for producers that yield event by event). */
export async function* singleBatches(events: EventStream): EventBatches {
  for await (const e of events) yield [e];
}

/**
 * Batches known to hold one batch: the whole answer of a call that does not
 * stream (a non-streaming upstream request). Iterated, it is that one batch;
 * `foldBatches` awaits `read()` directly, with no async-iteration steps.
 * Lazy like a generator: nothing is asked of the backend until it is read.
 */
export class WholeAnswer implements AsyncIterable<readonly StreamEvent[]> {
  constructor(readonly read: () => Promise<readonly StreamEvent[]>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<readonly StreamEvent[]> {
    const events = await this.read();
    if (events.length > 0) yield events;
  }
}
