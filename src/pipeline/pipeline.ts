import { LinguaError } from '../canonical/index.js';
import { admit } from './admit.js';
import { authorize } from './authorize.js';
import { callerState } from './caller-state.js';
import type { PipelineContext } from './context.js';
import { countTokens } from './count-tokens.js';
import { embed } from './embed.js';
import type { Exchange } from './exchange.js';
import { generate } from './generate.js';
import { identify } from './identify.js';
import { listModels } from './list-models.js';
import { logLine } from './log-line.js';
import { checkModelKind } from './model-kind.js';
import { asLinguaError, sendError } from './send.js';
import { settle } from './settle.js';
import { serveState } from './serve-state.js';

/**
 * The one chain every caller endpoint runs, in this order:
 *
 *   identify the caller (401) → decode (400) → authorize the model (404, 403)
 *   → admit: limits and budget (429) → serve (the endpoint's kind)
 *   → settle and record (generating and embedding endpoints) → log
 *
 * A stage is a small function of its own file, given the context and the
 * exchange; this is the one place a new stage is added. `body` is the parsed
 * body, or the error the HTTP edge met while reading it (413, bad JSON, 503
 * while closing), which is the request's answer once the caller is known.
 */
export async function runPipeline(ctx: PipelineContext, ex: Exchange, body: unknown): Promise<void> {
  const { endpoint } = ex;
  ctx.inflight.add(ex.abort);
  try {
    if (body instanceof LinguaError && body.kind === 'unavailable') throw body;
    const caller = identify(ctx, ex);
    ex.caller = caller instanceof Promise ? await caller : caller;
    if (body instanceof LinguaError) throw body;
    switch (endpoint.kind) {
      case 'generate': {
        const request = ex.request = endpoint.protocol.decode(body, ex.req.headers);
        const model = ex.model = authorize(ctx, ex.caller, request.model);
        checkModelKind(model, false);
        if (endpoint.protocol.prepare !== undefined) await endpoint.protocol.prepare(request, callerState(ctx.state, ex.caller));
        ctx.paramRanges.check(model.name, request);
        await admit(ctx, endpoint.protocol, ex, request, model);
        await generate(ctx, endpoint.protocol, ex, request, model);
        break;
      }
      case 'count_tokens':
        await countTokens(ctx, endpoint, ex, body);
        break;
      case 'models':
        listModels(ctx, endpoint, ex);
        break;
      case 'embed':
        await embed(ctx, endpoint, ex, body);
        break;
      case 'state':
        await serveState(ctx, endpoint, ex);
        break;
    }
  } catch (error) {
    if (ex.clientClosed) {
      // Nobody to answer: the request is a 499 whatever stopped it.
      ex.failure ??= error instanceof LinguaError ? error : new LinguaError('client_closed', 'The client closed the connection.');
    } else {
      ex.failure = asLinguaError(error, ex.log);
      sendError(ex.res, endpoint.protocol, ex.failure, ex.request);
    }
  } finally {
    ctx.inflight.delete(ex.abort);
    if (endpoint.kind === 'generate' || endpoint.kind === 'embed') settle(ctx, ex);
    ctx.metrics.finished(ex);
    logLine(ex);
  }
}
