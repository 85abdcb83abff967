import type { Finish } from '../../canonical/index.js';

/** An OpenAI-style `finish_reason` (and vLLM's `stop_reason`) as a canonical finish. */
export function toFinish(raw: unknown, stopReason?: unknown): Finish {
  const value = typeof raw === 'string' ? raw : 'stop';
  const finish: Finish = { reason: 'other', raw: value };
  switch (value) {
    case 'stop': case 'eos': finish.reason = 'stop'; break;
    case 'length': case 'max_tokens': finish.reason = 'length'; break;
    case 'tool_calls': case 'function_call': finish.reason = 'tool_calls'; break;
    case 'content_filter': finish.reason = 'content_filter'; break;
    case 'error': finish.reason = 'error'; break;
  }
  if (typeof stopReason === 'string') finish.stopSequence = stopReason;
  return finish;
}
