import type { LinguaError } from '../../canonical/index.js';
import { upstreamFailure } from '../http/upstream-error.js';

type Json = Record<string, unknown>;

/**
 * The error for an enveloped API's failure, `{success: false, code,
 * message}` (or an OpenAI `{error: {…}}` frame from the same server). The
 * envelope's `code` says what failed, not the HTTP status: such servers
 * answer a failure with 200 as often as with its status, so `httpStatus`
 * counts only when the code says nothing Lingua knows.
 */
export function envelopeFailure(provider: string, failure: Json, httpStatus: number, retryAfter?: number): LinguaError {
  const detail = failureDetail(failure);
  const { status, context } = statusOfCode(detail.code, detail.type, httpStatus);
  const numeric = detail.code !== undefined && /^\d+$/.test(detail.code);
  return upstreamFailure(provider, status, {
    message: detail.message ?? `code ${detail.code ?? httpStatus}`,
    // A numeric code is only the status again; a word is worth passing on (`rate_limit_exceeded`).
    code: context ? 'context_length_exceeded' : numeric ? undefined : detail.code,
    param: detail.param,
    type: detail.type,
  }, retryAfter, detail.code === undefined ? `HTTP ${httpStatus}` : `code ${detail.code}`);
}

interface FailureDetail { code?: string; message?: string; param?: string; type?: string }

/**
 * Reads `code`, `message` and the field at fault (`param` or `field`, beside
 * them or in `data`) from an envelope, or from an `{error: {…}}` body.
 */
function failureDetail(failure: Json): FailureDetail {
  const inner = isObject(failure.error) ? failure.error : failure;
  const data = isObject(inner.data) ? inner.data : {};
  const code = inner.code ?? inner.errorCode ?? inner.error_code;
  const message = inner.message ?? inner.msg ?? (typeof failure.error === 'string' ? failure.error : undefined);
  const param = inner.param ?? inner.field ?? data.param ?? data.field;
  const out: FailureDetail = {};
  if (typeof code === 'string' && code.trim() !== '') out.code = code.trim();
  else if (typeof code === 'number' && Number.isFinite(code)) out.code = String(code);
  if (typeof message === 'string' && message !== '') out.message = message;
  if (typeof param === 'string' && param !== '') out.param = param;
  if (typeof inner.type === 'string') out.type = inner.type;
  return out;
}

/**
 * The HTTP status a failure's code stands for. A numeric code is a status
 * (`"429"`), or starts with one (`"40001"`, `"500100"`: business codes
 * under a status); a word is read by family (`INVALID_API_KEY`,
 * `rate_limit_exceeded`, `SERVER_BUSY`). Otherwise the HTTP status, when it
 * was an error; a failure sent with a 2xx and an unknown code is the
 * upstream's (502).
 */
export function statusOfCode(code: string | undefined, type: string | undefined, httpStatus: number): { status: number; context: boolean } {
  if (code !== undefined && /^\d{3,6}$/.test(code)) {
    const status = Number(code.slice(0, 3));
    if (status >= 400 && status <= 599) return { status, context: false };
  }
  for (const word of [code, type]) {
    if (word === undefined) continue;
    const normal = word.toLowerCase().replace(/[^a-z0-9]+/g, '_');
    const family = codeFamilies.find(([pattern]) => pattern.test(normal));
    if (family !== undefined) return family[1] === 'context' ? { status: 400, context: true } : { status: family[1], context: false };
  }
  return { status: httpStatus >= 400 && httpStatus <= 599 ? httpStatus : 502, context: false };
}

/** Word codes by family, first match wins: the more specific ones come first (`invalid_api_key` is an auth failure, not a bad parameter). */
const codeFamilies: ReadonlyArray<readonly [RegExp, number | 'context']> = [
  [/context|prompt_too_long|too_many_tokens|token_limit_exceeded/, 'context'],
  [/unauthori[sz]ed|unauthenticated|authenticat|api_?key|invalid_token|token_(invalid|expired)|auth_fail|signature/, 401],
  [/forbidden|permission|access_denied|not_allowed/, 403],
  [/rate_?limit|too_many_requests|throttl|quota|frequency/, 429],
  [/overload|busy|capacity/, 529],
  [/unavailable|maintenance/, 503],
  [/timeout|timed_out/, 504],
  [/not_found|no_such|unknown_model|model_not_exist/, 404],
  [/too_large|payload/, 413],
  [/invalid|bad_request|param|validat|missing|illegal|malformed|unsupported/, 400],
];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
