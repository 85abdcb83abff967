/**
 * The one error type of Lingua. Each protocol renders it in its own shape;
 * the router decides retries from `retryable` alone.
 */
export type ErrorKind =
  | 'invalid_request' // 400
  | 'authentication' // 401
  | 'permission' // 403
  | 'not_found' // 404
  | 'request_too_large' // 413
  | 'rate_limit' // 429
  | 'internal' // 500
  | 'upstream' // 502
  | 'unavailable' // 503
  | 'timeout' // 504
  | 'overloaded' // 529 (Anthropic) / 503
  | 'client_closed'; // 499: the client went away before the answer ended (logged and recorded, never sent)

const statusOf: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  request_too_large: 413,
  rate_limit: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
  overloaded: 529,
  client_closed: 499,
};

export interface ErrorOptions {
  /** The offending request field, in the caller's protocol's naming. */
  param?: string;
  /** A stable machine-readable code, e.g. `model_not_found`. */
  code?: string;
  /** Overrides the kind's usual HTTP status (e.g. an upstream's 422). */
  status?: number;
  /** Seconds a client should wait before trying again. */
  retryAfter?: number;
  /** The HTTP status an upstream answered, for an error relayed from one (the router's retry decision reads it). */
  upstreamStatus?: number;
  cause?: unknown;
}

export class LinguaError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly param: string | undefined;
  readonly code: string | undefined;
  readonly retryAfter: number | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(kind: ErrorKind, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LinguaError';
    this.kind = kind;
    this.status = options.status ?? statusOf[kind];
    this.param = options.param;
    this.code = options.code;
    this.retryAfter = options.retryAfter;
    this.upstreamStatus = options.upstreamStatus;
  }

  /** Worth trying again, on the same or another backend. */
  get retryable(): boolean {
    return this.kind !== 'client_closed' && (this.status === 429 || this.status >= 500);
  }
}

/** The kind that goes with an HTTP status, for errors relayed from upstreams. */
export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 400: return 'invalid_request';
    case 401: return 'authentication';
    case 403: return 'permission';
    case 404: return 'not_found';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit';
    case 503: return 'unavailable';
    case 504: return 'timeout';
    case 529: return 'overloaded';
    default: return status >= 500 ? 'upstream' : 'invalid_request';
  }
}

/** The client went away before the answer ended: what a provider's call or stream ends with once it is aborted. */
export function clientClosed(cause?: unknown): LinguaError {
  return new LinguaError('client_closed', 'The client closed the connection before the answer ended.', { code: 'client_closed', cause });
}

export function invalidRequest(message: string, param?: string, code?: string): LinguaError {
  return new LinguaError('invalid_request', message, { param, code });
}
