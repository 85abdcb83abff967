import { invalidRequest } from '../canonical/index.js';
import type { ModelEntry } from '../router/router.js';

/**
 * A chat request names an embedding model, or an embeddings request a chat
 * model: a 400 naming `model` before any limit is taken or backend called
 * (the backend's own answer would be an unclear 404 or 500, or a wrong kind of answer).
 */
export function checkModelKind(model: ModelEntry, embedding: boolean): void {
  if (model.embedding === embedding) return;
  throw embedding
    ? invalidRequest(`The model '${model.name}' is a chat model, not an embedding model: it cannot serve POST /v1/embeddings.`, 'model', 'model_not_embedding')
    : invalidRequest(`The model '${model.name}' is an embedding model: use it with POST /v1/embeddings, not for chat or completions.`, 'model', 'model_not_chat');
}
