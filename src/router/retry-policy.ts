import type { LinguaError } from '../canonical/index.js';

/**
 * What the router does after an attempt failed before its first batch,
 * from the typed error alone:
 * - `retry`: a transient failure (connection, timeout, upstream 408, 429,
 *   500, 502, 503, 504, 529, a broken answer): another target at once, or
 *   this one again after a backoff; the target's breaker counts it;
 * - `failover`: this target cannot serve (its credentials were refused, its
 *   answer was too large): another target or a fallback, never this one
 *   again; the breaker counts it;
 * - `context`: the request is too long for the model: its `context_fallbacks`;
 * - `final`: the caller's error (4xx, an upstream 501 or 505, a bug in
 *   Lingua, the client gone): answered as it is.
 */
export type Verdict = 'retry' | 'failover' | 'context' | 'final';

const retryStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 529]);

export function verdictOf(error: LinguaError): Verdict {
  if (error.kind === 'client_closed') return 'final';
  if (error.code === 'context_length_exceeded') return 'context';
  const upstream = error.upstreamStatus;
  if (upstream !== undefined) {
    if (retryStatuses.has(upstream)) return 'retry';
    return upstream === 401 || upstream === 403 ? 'failover' : 'final';
  }
  if (error.code === 'upstream_response_too_large') return 'failover';
  switch (error.kind) {
    case 'upstream': case 'timeout': case 'unavailable': case 'overloaded': case 'rate_limit':
      return 'retry';
    default:
      return 'final';
  }
}

/** Full jitter: a random wait below min(maxMs, baseMs × 2^(retry − 1)), for the `retry`-th retry (from 1). */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  return random() * Math.min(maxMs, baseMs * 2 ** (retry - 1));
}
