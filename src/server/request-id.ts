import { randomId } from '../lib/ids.js';

/**
 * A request's id, sent back in a response header (`x-request-id`, or
 * `request-id` on the Anthropic paths, as those APIs do) and logged with it:
 * the caller's own `x-request-id` (a load balancer's or a tracing client's)
 * when it is a plain token, so that one id follows the call through every
 * log; otherwise a new random `req_…` id.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && plainId.test(header) ? header : randomId('req_');
}

const plainId = /^[\w.:-]{1,128}$/;

/** The request-id header of the API a path belongs to. */
export function requestIdHeaderFor(path: string): string {
  return path.startsWith('/v1/messages') ? 'request-id' : 'x-request-id';
}
