import { LinguaError, type StreamEvent } from '../../canonical/index.js';
import { streamFailure } from './map-error.js';
import { ResponsesStreamMapper } from './map-stream.js';

/**
 * A whole response object (an upstream that answered `stream: true` with
 * JSON) as canonical events: its output items as if each came done, then
 * its end. A `failed` response is its error.
 */
export function responseToEvents(provider: string, response: unknown, lossless = false): StreamEvent[] {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new LinguaError('upstream', `upstream provider '${provider}' answered with JSON that is not a response object`);
  }
  const r = response as Record<string, unknown>;
  if (r.status === 'failed') throw streamFailure(provider, r.error);
  const mapper = new ResponsesStreamMapper(provider, lossless);
  const out: StreamEvent[] = [];
  for (const item of Array.isArray(r.output) ? r.output : []) mapper.push({ type: 'response.output_item.done', item }, out);
  mapper.push({ type: r.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: r }, out);
  return out;
}
