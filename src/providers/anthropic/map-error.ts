import { LinguaError, type ErrorKind } from '../../canonical/index.js';

/** Anthropic's error types and the kinds they are. */
const kindOfType: Record<string, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  billing_error: 'permission',
  permission_error: 'permission',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limit',
  api_error: 'upstream',
  timeout_error: 'timeout',
  overloaded_error: 'overloaded',
};

/** An `error` event (`{type:"error", error:{type, message}}`) as a LinguaError of the matching kind. */
export function streamErrorToLinguaError(provider: string, data: Record<string, unknown>): LinguaError {
  const error = (typeof data.error === 'object' && data.error !== null ? data.error : {}) as Record<string, unknown>;
  const type = typeof error.type === 'string' ? error.type : 'api_error';
  const message = typeof error.message === 'string' ? error.message : 'unknown error';
  return new LinguaError(kindOfType[type] ?? 'upstream', `upstream provider '${provider}' failed mid-stream: ${type}: ${message}`, { code: type });
}
