import type { Usage } from '../../canonical/index.js';

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/**
 * Canonical usage as Anthropic's. Anthropic's `input_tokens` leaves out
 * tokens read from the prompt cache (reported apart), where Lingua's
 * `inputTokens` includes them. Canonical usage has no count of tokens
 * written to a cache, so `cache_creation_input_tokens` is 0.
 */
export function anthropicUsage(u: Usage): AnthropicUsage {
  const cached = Math.min(u.cachedInputTokens ?? 0, u.inputTokens);
  return {
    input_tokens: u.inputTokens - cached,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
    output_tokens: u.outputTokens,
  };
}
