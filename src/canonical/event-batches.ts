import type { EventBatches, EventStream } from './events.js';

/** Batches as one event at a time. */
export async function* flattenBatches(batches: EventBatches): EventStream {
  for await (const batch of batches) for (const e of batch) yield e;
}

/** Events as batches of one (for producers that yield event by event). */
export async function* singleBatches(events: EventStream): EventBatches {
  for await (const e of events) yield [e];
}
