import type { Usage } from '../../canonical/index.js';

/** OpenAI `usage` as canonical usage; undefined when absent or malformed. */
export function toUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Record<string, unknown>;
  if (typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return undefined;
  const usage: Usage = { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens };
  const cached = (u.prompt_tokens_details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens;
  if (typeof cached === 'number') usage.cachedInputTokens = cached;
  const reasoning = (u.completion_tokens_details as { reasoning_tokens?: unknown } | null | undefined)?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  return usage;
}
