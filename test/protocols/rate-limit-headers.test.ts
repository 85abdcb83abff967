import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mostConstraining, retryAfterSeconds, type ScopeState } from '../../src/limits/index.js';
import { anthropicRateLimitHeaders } from '../../src/protocols/anthropic/rate-limit-headers.js';
import type { RateLimitReport } from '../../src/protocols/contract.js';
import { openAIDuration, openAIRateLimitHeaders } from '../../src/protocols/openai/rate-limit-headers.js';

const states: ScopeState[] = [
  { id: 'key:a', requests: { limit: 60, remaining: 59, resetMs: 60_000 }, tokens: { limit: 150_000, remaining: 149_984, resetMs: 12 } },
  { id: 'acct:a', requests: { limit: 1000, remaining: 5, resetMs: 1_500 }, concurrency: { limit: 4, inFlight: 1 } },
  { id: 'key:a:model:m', tokens: { limit: 10_000, remaining: 149_984, resetMs: 360_000 } },
];

function reportOf(s: readonly ScopeState[]): RateLimitReport {
  const requests = mostConstraining(s, 'requests');
  const tokens = mostConstraining(s, 'tokens');
  return { ...(requests && { requests }), ...(tokens && { tokens }) };
}

test('OpenAI durations are Go-style, as api.openai.com writes them (1s, 6m0s, 17ms)', () => {
  const cases: [number, string][] = [
    [0, '0s'], [-5, '0s'], [17, '17ms'], [999, '999ms'], [1000, '1s'], [1500, '1.5s'], [1001, '1.001s'], [8640, '8.64s'],
    [59_999, '59.999s'], [60_000, '1m0s'], [360_000, '6m0s'], [61_500, '1m1.5s'], [3_600_000, '1h0m0s'], [3_723_004, '1h2m3.004s'], [0.4, '1ms'],
  ];
  for (const [ms, text] of cases) assert.equal(openAIDuration(ms), text, `${ms} ms`);
});

test('OpenAI headers: per kind, the most constraining scope (fewest remaining, then the longest reset)', () => {
  assert.deepEqual(openAIRateLimitHeaders(reportOf(states)), {
    'x-ratelimit-limit-requests': '1000',
    'x-ratelimit-remaining-requests': '5',
    'x-ratelimit-reset-requests': '1.5s',
    'x-ratelimit-limit-tokens': '10000',
    'x-ratelimit-remaining-tokens': '149984',
    'x-ratelimit-reset-tokens': '6m0s',
  });
  assert.deepEqual(openAIRateLimitHeaders(reportOf([{ id: 'key:b', concurrency: { limit: 1, inFlight: 1 } }, { id: 'acct:b' }])), {}, 'no rpm or tpm: no headers');
});

test('Anthropic headers: the same figures, the reset as an RFC 3339 time rounded up to the second', () => {
  const now = Date.UTC(2030, 0, 7, 12, 0, 0, 250);
  assert.deepEqual(anthropicRateLimitHeaders(reportOf(states), now), {
    'anthropic-ratelimit-requests-limit': '1000',
    'anthropic-ratelimit-requests-remaining': '5',
    'anthropic-ratelimit-requests-reset': '2030-01-07T12:00:02Z',
    'anthropic-ratelimit-tokens-limit': '10000',
    'anthropic-ratelimit-tokens-remaining': '149984',
    'anthropic-ratelimit-tokens-reset': '2030-01-07T12:06:01Z',
  });
  assert.deepEqual(anthropicRateLimitHeaders(reportOf([{ id: 'key:c', tokens: { limit: 5, remaining: 5, resetMs: 0 } }]), Date.UTC(2030, 0, 7)), {
    'anthropic-ratelimit-tokens-limit': '5',
    'anthropic-ratelimit-tokens-remaining': '5',
    'anthropic-ratelimit-tokens-reset': '2030-01-07T00:00:00Z',
  });
});

test('retry-after is whole seconds, rounded up, at least 1', () => {
  assert.deepEqual([1, 999, 1000, 1001, 30_000].map(retryAfterSeconds), [1, 1, 1, 2, 30]);
});
