import type { Caller } from '../auth/caller.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';

/** Stage 1: who is calling, from the key in the protocol's header (a 401 otherwise). */
export function identify(ctx: PipelineContext, ex: Exchange): Caller {
  return ctx.keys.authenticate(ex.endpoint.protocol.apiKey(ex.req.headers));
}
