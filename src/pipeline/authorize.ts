import type { Caller } from '../auth/caller.js';
import { LinguaError } from '../canonical/index.js';
import type { ModelEntry } from '../router/router.js';
import type { PipelineContext } from './context.js';

/**
 * Stage 2: the model a request names, if the caller may use it: a 404 for a
 * model that does not exist, a 403 naming the model for one the key is not
 * allowed (existence is not hidden: the key's own list shows what it may use).
 */
export function authorize(ctx: PipelineContext, caller: Caller, name: string): ModelEntry {
  const model = ctx.router.resolve(name);
  if (!caller.models.allows(model.name)) {
    throw new LinguaError('permission', `This API key may not use the model '${name}'. Ask the operator to add it to the key's models, or use one that GET /v1/models lists.`, { param: 'model', code: 'model_not_allowed' });
  }
  return model;
}
