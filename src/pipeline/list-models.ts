import { LinguaError } from '../canonical/index.js';
import type { ModelInfo, ModelsEndpoint } from '../protocols/contract.js';
import type { ModelEntry } from '../router/router.js';
import { authorize } from './authorize.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';
import { sendJson } from './send.js';

/** A models endpoint: the models the caller's key may use, or one of them by id. */
export function listModels(ctx: PipelineContext, endpoint: ModelsEndpoint, ex: Exchange): void {
  const caller = ex.caller!;
  if (!endpoint.prefix) {
    const models = ctx.router.models().filter((m) => caller.models.allows(m.name));
    return sendJson(ex.res, 200, endpoint.encodeList(models.map((m) => modelInfo(m, ctx.startedAt))));
  }
  const rest = ex.pathArgument().arg;
  let id: string;
  try {
    id = decodeURIComponent(rest);
  } catch {
    throw new LinguaError('not_found', `The model '${rest}' does not exist or you do not have access to it.`, { param: 'model', code: 'model_not_found' });
  }
  const model = ex.model = authorize(ctx, caller, id);
  sendJson(ex.res, 200, endpoint.encodeOne(modelInfo(model, ctx.startedAt)));
}

function modelInfo(m: ModelEntry, created: number): ModelInfo {
  const info: ModelInfo = { id: m.name, ownedBy: m.ownedBy, created };
  const p = m.pricing?.config;
  if (p !== undefined) info.pricing = { input: p.input, cachedInput: p.cached_input ?? p.input, output: p.output, ...(p.reasoning === undefined ? {} : { reasoning: p.reasoning }) };
  if (m.contextLength !== undefined) info.contextLength = m.contextLength;
  return info;
}
