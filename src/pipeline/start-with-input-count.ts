import type { ChatRequest, StreamEvent } from '../canonical/index.js';
import { estimateInputTokens } from '../lib/estimate-tokens.js';
import type { Logger } from '../lib/logger.js';
import type { StreamStart } from '../protocols/contract.js';
import type { ModelEntry } from '../router/router.js';
import { countInputTokens, FALLBACK_WAIT_MS } from './count-input-tokens.js';

type Batches = AsyncIterator<readonly StreamEvent[]>;

/**
 * The stream's start for a protocol that reports input tokens before any
 * output (Anthropic's `message_start`), and the events, the first batch
 * still to be read from the returned iterator. The backend is started (its
 * first batch asked for) at once. A provider whose first event reports
 * the input tokens (`opensWithInputTokens`: an Anthropic upstream) is not
 * asked to count: its first batch is waited for, at most
 * `FALLBACK_WAIT_MS`, and gives the count and the opening. Any other is
 * counted meanwhile, so that counting adds no latency of its own when the
 * backend is slower to answer than to count.
 */
export async function startWithInputCount(events: Batches, options: {
  entry: ModelEntry;
  request: ChatRequest;
  signal: AbortSignal;
  logger: Logger;
}): Promise<{ start: StreamStart; events: Batches }> {
  let first: Promise<IteratorResult<readonly StreamEvent[]>> | undefined = events.next();
  // Read (and its failure handled) by whoever iterates; not while we count.
  first.catch(() => {});
  const iterator: Batches = {
    next: () => {
      const step = first ?? events.next();
      first = undefined;
      return step;
    },
    return: (value?: unknown) => events.return?.(value) ?? Promise.resolve({ done: true, value: undefined }),
  };
  if (options.entry.deployments[0]?.provider.opensWithInputTokens === true) {
    const opening = (await within(first, FALLBACK_WAIT_MS))?.value?.[0]?.opening;
    const start: StreamStart = { inputTokens: opening?.inputTokens ?? estimateInputTokens(options.request) };
    if (opening !== undefined) start.opening = opening;
    return { start, events: iterator };
  }
  const counted = await countInputTokens({ ...options, fallback: true });
  return { start: { inputTokens: counted.inputTokens }, events: iterator };
}

/** The step, or undefined if it fails or takes longer than `ms` (the stream then starts with the estimate). */
function within<T>(step: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, ms, undefined); });
  return Promise.race([step.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}
