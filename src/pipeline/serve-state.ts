import { callerState } from './caller-state.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';
import type { StateEndpoint } from '../protocols/contract.js';
import { sendJson } from './send.js';

/** A state endpoint: what the caller's account kept, read or deleted by the protocol. */
export async function serveState(ctx: PipelineContext, endpoint: StateEndpoint, ex: Exchange): Promise<void> {
  const url = ex.req.url ?? '';
  const q = url.indexOf('?');
  const arg = (q === -1 ? url : url.slice(0, q)).slice(endpoint.path.length).replace(/\/$/, '');
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const body = await endpoint.serve(arg, query, callerState(ctx.state, ex.caller!));
  sendJson(ex.res, 200, body);
}
