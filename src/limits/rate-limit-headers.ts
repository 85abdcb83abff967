import type { ScopeState, WindowState } from './limiter.js';

/**
 * The rate-limit headers of an answer, from the limiter's per-scope state
 * (admitted or refused). Where several scopes limit the same thing, the
 * headers show the most constraining: the fewest remaining, then the
 * longest reset. A kind no scope limits gets no headers.
 */

/** The window of `kind` with the fewest remaining (then the longest reset), or undefined. */
export function mostConstraining(states: readonly ScopeState[], kind: 'requests' | 'tokens'): WindowState | undefined {
  let best: WindowState | undefined;
  for (const s of states) {
    const w = s[kind];
    if (w === undefined) continue;
    if (best === undefined || w.remaining < best.remaining || (w.remaining === best.remaining && w.resetMs > best.resetMs)) best = w;
  }
  return best;
}

/**
 * A duration as OpenAI writes `x-ratelimit-reset-*` (Go's duration format,
 * to the millisecond): `17ms`, `1s`, `1.5s`, `6m0s`, `1h2m3.004s`.
 */
export function openAIDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const fraction = total % 1000;
  const seconds = `${Math.floor((total % 60_000) / 1000)}${fraction === 0 ? '' : `.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`}s`;
  if (h > 0) return `${h}h${m}m${seconds}`;
  if (m > 0) return `${m}m${seconds}`;
  return seconds;
}

/** `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, as api.openai.com sends them. */
export function openAIRateLimitHeaders(states: readonly ScopeState[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const w = mostConstraining(states, kind);
    if (w === undefined) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(w.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(w.remaining);
    headers[`x-ratelimit-reset-${kind}`] = openAIDuration(w.resetMs);
  }
  return headers;
}

/** An RFC 3339 time in UTC to the second, rounded up (never earlier than the real reset): `2030-01-07T12:01:00Z`. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`, as api.anthropic.com sends them (reset: when the window is full again). */
export function anthropicRateLimitHeaders(states: readonly ScopeState[], now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const w = mostConstraining(states, kind);
    if (w === undefined) continue;
    headers[`anthropic-ratelimit-${kind}-limit`] = String(w.limit);
    headers[`anthropic-ratelimit-${kind}-remaining`] = String(w.remaining);
    headers[`anthropic-ratelimit-${kind}-reset`] = rfc3339Seconds(now + w.resetMs);
  }
  return headers;
}

/** The `retry-after` of a refusal, in whole seconds (at least 1), as LinguaError's `retryAfter` takes it. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
