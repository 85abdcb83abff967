import type { Finish, Usage } from '../../canonical/index.js';
import { responsesUsage } from './output-items.js';
import type { ResponsesContext } from './responses-request.js';

export interface ResponseMeta {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  model: string;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** Where a response stands: what the `response` object reports besides the request's echo. */
export interface ResponseState {
  status: ResponseStatus;
  output: readonly unknown[];
  usage?: Usage | undefined;
  /** `response.failed`'s `error`: a code clients act on (render-error.ts). */
  error?: { code: string; message: string } | undefined;
  /** `incomplete_details.reason`: `max_output_tokens` or `content_filter`. */
  incompleteReason?: string | undefined;
  /** A Responses backend's own response fields (upstream-items.ts), over the echo. */
  upstream?: Readonly<Record<string, unknown>> | undefined;
}

/** The `response` object: in the non-streaming answer, and in `response.created` … `response.completed`. */
export function responseObject(meta: ResponseMeta, context: ResponsesContext, state: ResponseState): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status: state.status,
    completed_at: state.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason === undefined ? null : { reason: state.incompleteReason },
    model: meta.model,
    output: state.output,
    ...context.echo,
    ...state.upstream,
    usage: state.usage === undefined ? null : responsesUsage(state.usage),
  };
}

/** How a finished generation ends the response. */
export function terminalOf(finish: Finish): Pick<ResponseState, 'status' | 'incompleteReason' | 'error'> {
  switch (finish.reason) {
    case 'length': return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
    case 'content_filter': return { status: 'incomplete', incompleteReason: 'content_filter' };
    case 'error': return { status: 'failed', error: { code: 'server_error', message: `The backend ended the response with an error${finish.raw === undefined ? '' : ` (${finish.raw})`}.` } };
    default: return { status: 'completed' };
  }
}
