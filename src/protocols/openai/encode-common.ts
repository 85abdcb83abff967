import type { FinishReason, Usage } from '../../canonical/index.js';

/** Canonical finish reasons as OpenAI's `finish_reason` values. */
export function openAIFinishReason(reason: FinishReason): string {
  switch (reason) {
    case 'length': return 'length';
    case 'tool_calls': return 'tool_calls';
    case 'content_filter': return 'content_filter';
    // A choice the backend failed (one call of a fan-out: src/router/fan-out.ts), never passed off as complete.
    case 'error': return 'error';
    default: return 'stop';
  }
}

export function openAIUsage(u: Usage): Record<string, unknown> {
  const usage: Record<string, unknown> = {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
  };
  if (u.cachedInputTokens !== undefined) usage.prompt_tokens_details = { cached_tokens: u.cachedInputTokens };
  if (u.reasoningTokens !== undefined) usage.completion_tokens_details = { reasoning_tokens: u.reasoningTokens };
  return usage;
}
