import { invalidRequest, LinguaError, type ChatRequest } from '../canonical/index.js';
import type { ModelEntry } from './model-entry.js';

/** Most models a request may name in `models`. */
export const MAX_REQUEST_MODELS = 8;

/** Which public models the caller may use (the Exchange's `caller.models`). */
export interface ModelPermission {
  allows(model: string): boolean;
}

/**
 * A request's own fallbacks, as OpenRouter takes them: a top-level
 * `models: [...]` in an OpenAI body (it arrives in `extra`), tried in
 * order after `model` when every target of it failed, in place of the
 * model's configured `fallbacks`. Each must exist (404) and be allowed to
 * the caller (403), both naming `models`; the field is taken out of the
 * request, so that no upstream sees it.
 */
export function requestModels(request: ChatRequest, primary: ModelEntry, resolve: (name: string) => ModelEntry, permission: ModelPermission | undefined): { request: ChatRequest; models: ModelEntry[] } {
  const { models: named, ...rest } = request.extra;
  const extra = Object.assign(Object.create(null) as Record<string, unknown>, rest);
  if (!Array.isArray(named) || named.length > MAX_REQUEST_MODELS || named.some((m) => typeof m !== 'string' || m === '')) {
    throw invalidRequest(`'models' must be an array of at most ${MAX_REQUEST_MODELS} model names: the fallbacks to try, in order, after 'model'.`, 'models');
  }
  const models: ModelEntry[] = [];
  for (const name of named as string[]) {
    let entry: ModelEntry;
    try {
      entry = resolve(name);
    } catch {
      throw new LinguaError('not_found', `The model '${name}' in 'models' does not exist or you do not have access to it.`, { param: 'models', code: 'model_not_found' });
    }
    if (permission !== undefined && !permission.allows(entry.name)) {
      throw new LinguaError('permission', `This API key may not use the model '${name}' named in 'models'.`, { param: 'models', code: 'model_not_allowed' });
    }
    if (entry !== primary && !models.includes(entry)) models.push(entry);
  }
  return { request: { ...request, extra }, models };
}
