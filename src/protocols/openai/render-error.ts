import { inClientTerms, type ChatRequest, type ErrorKind, type LinguaError } from '../../canonical/index.js';
import { formatPath } from '../../lib/format-path.js';

const typeOf: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  internal: 'server_error',
  upstream: 'upstream_error',
  unavailable: 'server_error',
  timeout: 'timeout_error',
  overloaded: 'server_error',
  // Never sent (the client is gone); here for completeness.
  client_closed: 'invalid_request_error',
};

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
}

/**
 * A LinguaError in OpenAI's shape: `{error: {message, type, param, code}}`;
 * a field inside `messages` named with the client's indices (`request`'s origins).
 */
export function renderOpenAIError(raw: LinguaError, request?: ChatRequest): RenderedError {
  const error = inClientTerms(raw, request, formatPath);
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfter)));
  return {
    status: error.status,
    headers,
    body: { error: { message: error.message, type: error.code === 'insufficient_quota' ? 'insufficient_quota' : typeOf[error.kind], param: error.param ?? null, code: error.code ?? null } },
  };
}
