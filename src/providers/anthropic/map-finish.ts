import type { Finish } from '../../canonical/index.js';

/**
 * Anthropic's `stop_reason` as a canonical finish. `tool_use` is `tool_calls`
 * only when a client tool was called (a JSON response tool's call is the
 * answer, so `stop`); `stop_sequence` carries the sequence that matched.
 */
export function toFinish(stopReason: unknown, stopSequence: unknown, calledClientTool: boolean): Finish {
  const raw = typeof stopReason === 'string' ? stopReason : 'end_turn';
  const finish: Finish = { reason: 'other', raw };
  switch (raw) {
    case 'end_turn': finish.reason = 'stop'; break;
    case 'stop_sequence': finish.reason = 'stop'; break;
    case 'max_tokens': case 'model_context_window_exceeded': finish.reason = 'length'; break;
    case 'tool_use': finish.reason = calledClientTool ? 'tool_calls' : 'stop'; break;
    case 'refusal': finish.reason = 'content_filter'; break;
  }
  if (typeof stopSequence === 'string') finish.stopSequence = stopSequence;
  return finish;
}
