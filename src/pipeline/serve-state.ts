import { callerState } from './caller-state.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';
import type { StateEndpoint } from '../protocols/contract.js';
import { sendJson } from './send.js';

/** A state endpoint: what the caller's account kept, read or deleted by the protocol. */
export async function serveState(ctx: PipelineContext, endpoint: StateEndpoint, ex: Exchange): Promise<void> {
  const { arg, query } = ex.pathArgument();
  const body = await endpoint.serve(arg, new URLSearchParams(query), callerState(ctx.state, ex.caller!));
  sendJson(ex.res, 200, body);
}
