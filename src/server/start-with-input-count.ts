import type { StreamEvent } from '../canonical/index.js';

/**
 * Starts the backend (asks for its first event) and waits for `counting`
 * meanwhile, so that counting input tokens adds no latency of its own
 * when the backend is slower to answer than to count. Returns the count
 * and the events, the first one still to be read from the returned iterator.
 */
export async function startWithInputCount(
  events: AsyncIterator<StreamEvent>,
  counting: Promise<number>,
): Promise<{ inputTokens: number; events: AsyncIterator<StreamEvent> }> {
  let first: Promise<IteratorResult<StreamEvent>> | undefined = events.next();
  // Read (and its failure handled) by whoever iterates; not while we count.
  first.catch(() => {});
  const inputTokens = await counting;
  const iterator: AsyncIterator<StreamEvent> = {
    next: () => {
      const step = first ?? events.next();
      first = undefined;
      return step;
    },
    return: (value?: unknown) => events.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
  return { inputTokens, events: iterator };
}
