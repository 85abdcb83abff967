import type { ChatRequest } from '../canonical/index.js';
import { estimateInputTokens } from '../lib/estimate-tokens.js';
import type { Logger } from '../lib/logger.js';
import type { ModelEntry } from '../router/router.js';

export interface InputTokenCount {
  inputTokens: number;
  /** `backend`: the provider counted (exact); `estimate`: Lingua's estimate (see estimate-tokens.ts). */
  source: 'backend' | 'estimate';
}

/**
 * The input tokens of a request on the model's first deployment: the
 * provider's own count where it has one (`countTokens`), else Lingua's
 * estimate. With `fallback`, a failing count falls back to the estimate
 * (for `message_start`, which must not fail); without, the error goes on
 * (for `count_tokens`, whose caller should see it).
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
    try {
      const counted = await provider.countTokens(request, deployment.upstreamModel, signal);
      if (counted !== undefined) return { inputTokens: counted, source: 'backend' };
    } catch (error) {
      if (!options.fallback) throw error;
      logger.warn({ provider: provider.name, err: (error as Error).message }, 'token count failed; using the estimate');
    }
  }
  return { inputTokens: estimateInputTokens(request), source: 'estimate' };
}
