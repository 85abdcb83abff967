import { LinguaError } from '../../canonical/index.js';
import { upstreamStatusError } from '../http/upstream-error.js';

/**
 * The error of a `response.failed` event (its `response.error`) or an
 * `error` event, typed by its code as the upstream's HTTP answer with that
 * code would be: a rate limit is a 429, a request the upstream refused
 * (`context_length_exceeded`, `invalid_*`) a 400, anything else the
 * upstream's own failure (502, retryable before the first byte).
 */
export function streamFailure(provider: string, error: unknown): LinguaError {
  const e = typeof error === 'object' && error !== null ? error as Record<string, unknown> : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : 'the response failed';
  const status = statusOf(code);
  if (status === undefined) {
    return new LinguaError('upstream', `upstream provider '${provider}' failed the response: ${message}`, { code });
  }
  return upstreamStatusError(provider, status, JSON.stringify({ error: { message, code, param: typeof e.param === 'string' ? e.param : undefined } }));
}

function statusOf(code: string | undefined): number | undefined {
  if (code === undefined) return undefined;
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota') return 429;
  if (code === 'context_length_exceeded' || code.startsWith('invalid_') || code.startsWith('image_') || code === 'empty_image_file' || code === 'unsupported_parameter') return 400;
  return undefined;
}
