import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import { UpstreamSecrets } from '../../src/providers/http/upstream-secrets.js';

describe('UpstreamSecrets', () => {
  const secrets = new UpstreamSecrets({
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    authorization: 'Bearer sk-live-abcdef123456',
    'x-goog-api-key': 'goog-key-987654',
    'X-Custom-Token': 'tok_555666777',
    cookie: 'sid=s3cr3t-cookie',
  });

  test('the values of credential headers, and a bearer token alone, are redacted everywhere they appear', () => {
    assert.equal(
      secrets.redact('Bearer sk-live-abcdef123456 / sk-live-abcdef123456 / goog-key-987654 / tok_555666777 / sid=s3cr3t-cookie'),
      '[redacted] / [redacted] / [redacted] / [redacted] / [redacted]',
    );
  });

  test('other header values and ordinary text are left alone', () => {
    assert.equal(secrets.redact('application/json, version 2023-06-01'), 'application/json, version 2023-06-01');
  });

  test('a credential too short to tell from a word is not searched for', () => {
    assert.equal(new UpstreamSecrets({ 'x-api-key': 'abc' }).redact('abc def'), 'abc def');
  });

  test('scrub redacts an error\'s message in place and keeps its status', () => {
    const error = new LinguaError('invalid_request', 'Incorrect API key provided: sk-live-abcdef123456', { status: 422 });
    assert.equal(secrets.scrub(error), error);
    assert.equal(error.message, 'Incorrect API key provided: [redacted]');
    assert.equal(error.status, 422);
    assert.equal(secrets.scrub('not an error'), 'not an error');
  });
});
