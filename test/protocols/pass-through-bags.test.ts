import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMessagesRequest } from '../../src/protocols/anthropic/decode.js';
import { decodeChatCompletion } from '../../src/protocols/openai/decode.js';
import { readSearchOptions } from '../../src/search/search-options.js';

describe('pass-through bags', () => {
  // JSON.parse makes a "__proto__" key an own property; the HTTP edge refuses such bodies, this is the layer behind it.
  const poisoned = JSON.parse('{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"top_k":"abc"},"vendor":1}') as unknown;

  test('OpenAI extra fields: a null-prototype bag, where a __proto__ key is a plain entry, never the prototype', () => {
    const { extra } = decodeChatCompletion(poisoned);
    assert.equal(Object.getPrototypeOf(extra), null);
    assert.deepEqual(Object.keys(extra), ['__proto__', 'vendor']);
    assert.equal((extra as { top_k?: unknown }).top_k, undefined);
    assert.equal(Object.hasOwn(extra, 'constructor'), false);
    assert.equal((extra as { constructor?: unknown }).constructor, undefined);
  });

  test('Anthropic requests carry an empty null-prototype bag', () => {
    const { extra } = decodeMessagesRequest({ model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(Object.getPrototypeOf(extra), null);
    assert.deepEqual(Object.keys(extra), []);
  });

  test('the bag without the search fields stays null-prototype', () => {
    const { extra } = decodeChatCompletion(poisoned);
    const { rest } = readSearchOptions(extra);
    assert.equal(Object.getPrototypeOf(rest), null);
    assert.deepEqual(Object.keys(rest), ['__proto__', 'vendor']);
    assert.equal((rest as { top_k?: unknown }).top_k, undefined);
  });
});
