import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientClosed, LinguaError } from '../../src/canonical/index.js';
import { upstreamConnectionError, upstreamStatusError, upstreamTimeoutError } from '../../src/providers/http/upstream-error.js';
import { backoffMs, verdictOf } from '../../src/router/retry-policy.js';

test('upstream statuses: 408, 429, 500, 502, 503, 504, 529 are retried; 501, 505 and other 4xx never', () => {
  for (const status of [408, 429, 500, 502, 503, 504, 529]) assert.equal(verdictOf(upstreamStatusError('p', status, '{}')), 'retry', String(status));
  for (const status of [400, 404, 409, 413, 422, 501, 505]) assert.equal(verdictOf(upstreamStatusError('p', status, '{}')), 'final', String(status));
  for (const status of [401, 403]) assert.equal(verdictOf(upstreamStatusError('p', status, '{}')), 'failover', `${status}: this server's credentials`);
});

test('connection errors and timeouts are retried; a client gone, a bad request or a bug in Lingua are not', () => {
  assert.equal(verdictOf(upstreamConnectionError('p', Object.assign(new Error('x'), { code: 'ECONNRESET' }))), 'retry');
  for (const phase of ['answer', 'connect', 'finish'] as const) assert.equal(verdictOf(upstreamTimeoutError('p', 1, phase)), 'retry');
  assert.equal(verdictOf(new LinguaError('upstream', 'a body that is not JSON')), 'retry');
  assert.equal(verdictOf(new LinguaError('unavailable', 'loading', { code: 'model_loading', retryAfter: 5 })), 'retry');
  assert.equal(verdictOf(new LinguaError('upstream', 'too big', { code: 'upstream_response_too_large' })), 'failover');
  assert.equal(verdictOf(clientClosed()), 'final');
  assert.equal(verdictOf(new LinguaError('invalid_request', 'bad')), 'final');
  assert.equal(verdictOf(new LinguaError('internal', 'bug')), 'final');
});

test('context-length errors, however the upstream words them, go to context_fallbacks', () => {
  const bodies = [
    '{"error":{"message":"too long","code":"context_length_exceeded"}}',
    '{"error":{"message":"This model\'s maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."}}',
    '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208000 tokens > 200000 maximum"}}',
    '{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}',
    '{"object":"error","message":"The input (9000 tokens) is longer than the model\'s context length (8192 tokens).","code":400}',
  ];
  for (const body of bodies) {
    const error = upstreamStatusError('p', 400, body);
    assert.equal(error.code, 'context_length_exceeded', body);
    assert.equal(verdictOf(error), 'context', body);
  }
  assert.equal(verdictOf(upstreamStatusError('p', 400, '{"error":{"message":"temperature must be at most 2"}}')), 'final');
  assert.equal(verdictOf(upstreamStatusError('p', 500, '{"error":{"message":"prompt is too long"}}')), 'retry', 'only a 4xx says it');
});

test('full jitter: below min(max, base × 2^(retry − 1)), from 0', () => {
  assert.equal(backoffMs(1, 100, 1000, () => 0), 0);
  assert.equal(backoffMs(1, 100, 1000, () => 0.5), 50);
  assert.equal(backoffMs(3, 100, 1000, () => 0.5), 200);
  assert.equal(backoffMs(10, 100, 1000, () => 0.999), 999);
});
