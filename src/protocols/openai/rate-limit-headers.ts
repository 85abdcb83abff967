import type { RateLimitReport } from '../contract.js';

/**
 * OpenAI's rate-limit headers, as api.openai.com sends them:
 * `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as
 * durations in Go's format (`17ms`, `1s`, `6m0s`).
 */
export function openAIRateLimitHeaders(report: RateLimitReport): Record<string, string> {
  const headers: Record<string, string> = {};
  // Names as constants, not built per request (which left a new string and a slow object each time).
  const { requests, tokens } = report;
  if (requests !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
    headers['x-ratelimit-reset-requests'] = openAIDuration(requests.resetMs);
  }
  if (tokens !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = openAIDuration(tokens.resetMs);
  }
  return headers;
}

/** A duration as Go prints one, to the millisecond (rounded up): `17ms`, `1s`, `1.5s`, `6m0s`, `1h2m3.004s`. */
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
