import type { ChatRequest } from '../canonical/index.js';
import { estimateInputTokens } from '../lib/estimate-tokens.js';
import type { Logger } from '../lib/logger.js';
import type { InputTokenCount } from '../protocols/contract.js';
import type { ModelEntry } from '../router/router.js';

/** The longest a stream waits for the backend's count before it starts with the estimate. */
export const FALLBACK_WAIT_MS = 2000;

/**
 * The input tokens of a request on the model's first deployment: the
 * provider's own count where it has one (`countTokens`), else Lingua's
 * estimate. With `fallback`, a count that fails or takes longer than
 * `FALLBACK_WAIT_MS` gives the estimate instead (for `message_start`, which
 * must neither fail nor wait long); without, the error goes on (for
 * `count_tokens`, whose caller should see it).
 */
export async function countInputTokens(options: {
  entry: ModelEntry;
  request: ChatRequest;
  signal: AbortSignal;
  logger: Logger;
  fallback: boolean;
}): Promise<InputTokenCount> {
  const { entry, request, signal, logger } = options;
  const deployment = entry.deployments[0];
  const provider = deployment?.provider;
  if (deployment !== undefined && provider?.countTokens !== undefined) {
    // A stream waits for the count at most FALLBACK_WAIT_MS.
    const bounded = options.fallback ? AbortSignal.any([signal, AbortSignal.timeout(FALLBACK_WAIT_MS)]) : signal;
    try {
      const counted = await abortable(provider.countTokens(request, deployment.upstreamModel, bounded), bounded);
      if (counted !== undefined) return { inputTokens: counted, source: 'backend' };
    } catch (error) {
      if (!options.fallback) throw error;
      logger.warn({ provider: provider.name, err: (error as Error).message }, 'token count failed or was slow; using the estimate');
    }
  }
  return { inputTokens: estimateInputTokens(request), source: 'estimate' };
}

/** `promise`, or a rejection as soon as `signal` aborts (for a provider that does not watch its signal). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
