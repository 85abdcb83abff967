import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deepestIssue, safeParseReporting } from '../../src/lib/validation-error.js';
import { messagesRequestSchema } from '../../src/protocols/anthropic/request-schema.js';
import { chatCompletionRequestSchema } from '../../src/protocols/openai/request-schema.js';

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

// One issue per bad element cost seconds on 200,000 elements (and overflowed the stack); the first is all a 400 names.
test('a body bad in every element: only its first problem is reported, with its input', () => {
  const anthropic = safeParseReporting(messagesRequestSchema, {
    model: 'm', max_tokens: 8, messages: many(20, () => ({ role: 'user', content: many(5_000, () => ({ type: 'text', text: 1 })) })),
  });
  assert.equal(anthropic.success, false);
  assert.equal(anthropic.error!.issues.length, 1);
  const issue = deepestIssue(anthropic.error!.issues[0]!);
  assert.deepEqual(issue.path, ['messages', 0, 'content', 0, 'text']);
  assert.equal((issue as { input?: unknown }).input, 1);

  const openai = safeParseReporting(chatCompletionRequestSchema, { model: 'm', messages: many(50_000, () => ({ role: 'user', content: 1 })) });
  assert.equal(openai.success, false);
  assert.equal(openai.error!.issues.length, 1);
  assert.deepEqual(openai.error!.issues[0]!.path, ['messages', 0, 'content']);
});

test('a valid body parses to itself', () => {
  const body = { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] };
  const parsed = safeParseReporting(messagesRequestSchema, body);
  assert.equal(parsed.success, true);
  assert.deepEqual(parsed.data, body);
});
