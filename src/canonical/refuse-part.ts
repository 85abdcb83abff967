import { invalidRequest, type LinguaError } from './errors.js';

/**
 * The 400 for a part a backend cannot take: `path` is the canonical one
 * (client-paths.ts `partPath`, the client's protocol renders it in the
 * client's terms), `backend` names the API behind the model.
 */
export function refusePart(path: string, kind: string, backend: string): LinguaError {
  return invalidRequest(`${path} '${kind}' is not supported by this model's backend (${backend}).`, path, 'unsupported_content');
}
