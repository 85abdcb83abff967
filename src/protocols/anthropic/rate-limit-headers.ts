import type { RateLimitReport } from '../contract.js';

/**
 * Anthropic's rate-limit headers, as api.anthropic.com sends them:
 * `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}`, the reset
 * as the RFC 3339 time the window is full again.
 */
export function anthropicRateLimitHeaders(report: RateLimitReport, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    const w = report[kind];
    if (w === undefined) continue;
    headers[`anthropic-ratelimit-${kind}-limit`] = String(w.limit);
    headers[`anthropic-ratelimit-${kind}-remaining`] = String(w.remaining);
    headers[`anthropic-ratelimit-${kind}-reset`] = rfc3339Seconds(now + w.resetMs);
  }
  return headers;
}

/** An RFC 3339 time in UTC to the second, rounded up (never earlier than the real reset): `2030-01-07T12:01:00Z`. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
