import { LinguaError, kindForStatus } from '../../canonical/index.js';
import { saysContextTooLong } from './context-length.js';

/**
 * The error for an upstream's non-2xx answer. 4xx are the caller's fault and
 * keep their status and the upstream's message; 5xx become 502 (or 503/504/529
 * when the upstream said so), retryable.
 *
 * 401 and 403 are the exception: the upstream refused the credentials in
 * this server's config, not the client's key (which Lingua checked and does
 * not forward). Relayed as they are, they would tell a client that its own
 * key is wrong; they become a 502 that says whose credentials failed, and
 * are retryable, so a fallback deployment can still serve the request.
 */
export function upstreamStatusError(provider: string, status: number, bodyText: string, retryAfter?: number): LinguaError {
  const detail = parseErrorBody(bodyText);
  return upstreamFailure(provider, status, { ...detail, message: detail.message ?? (bodyText.trim().slice(0, 500) || `HTTP ${status}`) }, retryAfter);
}

/**
 * The error for an upstream failure that stands for HTTP `status`, however
 * the upstream framed it (an error body, an envelope's `code`); `said` is
 * how it said so, for the message (default `HTTP <status>`).
 */
export function upstreamFailure(provider: string, status: number, detail: UpstreamErrorDetail, retryAfter?: number, said = `HTTP ${status}`): LinguaError {
  const { message } = detail;
  if (status === 401 || status === 403) {
    return new LinguaError('upstream', `upstream provider '${provider}' refused this server's credentials (${said}): ${message}`, { code: 'upstream_credentials_refused', upstreamStatus: status });
  }
  if (status >= 400 && status < 500) {
    // One code for a request too long for the model's context, whatever the upstream calls it: the router's `context_fallbacks` read it.
    const code = saysContextTooLong(status, detail) ? 'context_length_exceeded' : detail.code;
    return new LinguaError(kindForStatus(status), message, { status, param: detail.param, code, retryAfter, upstreamStatus: status });
  }
  const kind = status === 503 || status === 504 || status === 529 ? kindForStatus(status) : 'upstream';
  return new LinguaError(kind, `upstream provider '${provider}' failed with ${said}: ${message}`, { code: detail.code, retryAfter, upstreamStatus: status });
}

/** A `retry-after-ms` header (OpenAI's, Azure's: milliseconds) as seconds. */
export function parseRetryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

/** A `retry-after` header (seconds, or an HTTP date) as seconds from now. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

interface ErrorDetail { message?: string; param?: string; code?: string; type?: string }

/** What an upstream said about its failure. */
export interface UpstreamErrorDetail extends ErrorDetail { message: string }

/** Reads OpenAI `{error:{message,param,code}}`, Anthropic `{error:{type,message}}` and `{message}` bodies. */
function parseErrorBody(text: string): ErrorDetail {
  let json: unknown;
  try { json = JSON.parse(text); } catch { return {}; }
  if (typeof json !== 'object' || json === null) return {};
  const record = json as Record<string, unknown>;
  const inner = typeof record.error === 'object' && record.error !== null ? record.error as Record<string, unknown> : record;
  const message = typeof inner.message === 'string' ? inner.message : typeof record.error === 'string' ? record.error : undefined;
  const out: ErrorDetail = {};
  if (message !== undefined) out.message = message;
  if (typeof inner.param === 'string') out.param = inner.param;
  if (typeof inner.code === 'string') out.code = inner.code;
  if (typeof inner.type === 'string') out.type = inner.type;
  return out;
}

/** The error for a request that never got an HTTP answer. */
export function upstreamConnectionError(provider: string, cause: unknown): LinguaError {
  const code = (cause as { code?: string } | null)?.code;
  const reason = code ?? (cause instanceof Error ? cause.message : String(cause));
  return new LinguaError('upstream', `could not reach upstream provider '${provider}' (${reason})`, { cause });
}

/** A timeout (504, retryable): no answer within `timeout_s` (or no data within `stream_idle_timeout_s`), no connection within `connect_timeout_s`, not finished within `total_timeout_s`. */
export function upstreamTimeoutError(provider: string, seconds: number, phase: 'answer' | 'connect' | 'finish' = 'answer'): LinguaError {
  const what = phase === 'connect' ? 'accept a connection' : phase === 'finish' ? 'finish the call' : 'answer';
  return new LinguaError('timeout', `upstream provider '${provider}' did not ${what} within ${seconds} s`, { code: phase === 'answer' ? undefined : `upstream_${phase}_timeout` });
}
