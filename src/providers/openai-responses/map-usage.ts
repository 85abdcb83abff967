import type { Usage } from '../../canonical/index.js';

/** A Responses `usage` object as canonical usage; undefined when absent or malformed. */
export function toUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const u = raw as Record<string, unknown>;
  if (typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return undefined;
  const usage: Usage = { inputTokens: u.input_tokens, outputTokens: u.output_tokens };
  const cached = (u.input_tokens_details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens;
  if (typeof cached === 'number') usage.cachedInputTokens = cached;
  const reasoning = (u.output_tokens_details as { reasoning_tokens?: unknown } | null | undefined)?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  return usage;
}
