/**
 * Starts the backend (asks for its first event) and waits for `counting`
 * meanwhile, so that counting input tokens adds no latency of its own
 * when the backend is slower to answer than to count. Returns the count
 * and the events, the first one still to be read from the returned iterator.
 */
export async function startWithInputCount<T>(
  events: AsyncIterator<T>,
  counting: Promise<number>,
): Promise<{ inputTokens: number; events: AsyncIterator<T> }> {
  let first: Promise<IteratorResult<T>> | undefined = events.next();
  // Read (and its failure handled) by whoever iterates; not while we count.
  first.catch(() => {});
  const inputTokens = await counting;
  const iterator: AsyncIterator<T> = {
    next: () => {
      const step = first ?? events.next();
      first = undefined;
      return step;
    },
    return: (value?: unknown) => events.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
  return { inputTokens, events: iterator };
}
