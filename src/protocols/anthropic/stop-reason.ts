import type { FinishReason } from '../../canonical/index.js';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

/**
 * A canonical finish as Anthropic's `stop_reason`. A response that called
 * tools ends in `tool_use` even when the backend said `stop` (some do), and
 * a stop ends in `stop_sequence` only when the sequence is known.
 */
export function anthropicStopReason(reason: FinishReason, options: { usedTools: boolean; stopSequence: string | undefined }): AnthropicStopReason {
  switch (reason) {
    case 'length': return 'max_tokens';
    case 'tool_calls': return 'tool_use';
    case 'content_filter': return 'refusal';
    case 'stop':
      if (options.usedTools) return 'tool_use';
      return options.stopSequence === undefined ? 'end_turn' : 'stop_sequence';
    default:
      return options.usedTools ? 'tool_use' : 'end_turn';
  }
}
