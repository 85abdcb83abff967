import type { Finish } from '../../canonical/index.js';

/**
 * A finished response's `status` (and `incomplete_details.reason`) as a
 * canonical finish. The Responses API has no "tool calls" status: a
 * completed response that called a function finished for its calls.
 */
export function toFinish(response: Record<string, unknown>, calledTools: boolean): Finish {
  const status = typeof response.status === 'string' ? response.status : 'completed';
  if (status === 'incomplete') {
    const reason = (response.incomplete_details as { reason?: unknown } | null | undefined)?.reason;
    const raw = typeof reason === 'string' ? reason : 'incomplete';
    if (raw === 'max_output_tokens') return { reason: 'length', raw };
    if (raw === 'content_filter') return { reason: 'content_filter', raw };
    return { reason: 'other', raw };
  }
  if (status !== 'completed') return { reason: 'other', raw: status };
  return { reason: calledTools ? 'tool_calls' : 'stop', raw: status };
}
