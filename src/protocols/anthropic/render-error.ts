import { inClientTerms, type ChatRequest, type ErrorKind, type LinguaError } from '../../canonical/index.js';
import type { RenderedError } from '../contract.js';
import { anthropicPath } from './validation-error.js';

export type AnthropicErrorType =
  | 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'request_too_large'
  | 'rate_limit_error' | 'api_error' | 'timeout_error' | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

const typeOf: Record<ErrorKind, AnthropicErrorType> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  rate_limit: 'rate_limit_error',
  internal: 'api_error',
  // A backend failed: still a server-side error, with its own status kept (502).
  upstream: 'api_error',
  // No backend can take the request now: what Anthropic clients know as 529.
  unavailable: 'overloaded_error',
  // Anthropic's own type for a gateway timeout (504).
  timeout: 'timeout_error',
  overloaded: 'overloaded_error',
  // Never sent (the client is gone); here for completeness.
  client_closed: 'invalid_request_error',
};

/** The HTTP status and Anthropic error type of a LinguaError. */
export function anthropicError(error: LinguaError): { status: number; type: AnthropicErrorType } {
  const type = typeOf[error.kind];
  return { type, status: error.kind === 'unavailable' ? 529 : error.status };
}

/** The body of an Anthropic error: `{type: "error", error: {type, message}}`. */
export function anthropicErrorBody(error: LinguaError): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicError(error).type, message: messageOf(error) } };
}

/**
 * A LinguaError as an Anthropic error response; a field inside `messages`
 * named as Anthropic names it, with the client's indices (`messages.2.content.0`).
 */
export function renderAnthropicError(raw: LinguaError, request?: ChatRequest): RenderedError {
  const error = inClientTerms(raw, request, anthropicPath);
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfter)));
  return { status: anthropicError(error).status, headers, body: anthropicErrorBody(error) };
}

/** Lingua's messages, but for a missing key, which names Anthropic's header. */
function messageOf(error: LinguaError): string {
  if (error.code === 'missing_api_key') return 'x-api-key header is required (or send the key as `Authorization: Bearer <key>`)';
  return error.message;
}
