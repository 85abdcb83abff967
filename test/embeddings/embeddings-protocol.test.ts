import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import { decodeEmbeddingsRequest } from '../../src/protocols/embeddings/decode.js';
import { encodeEmbeddings } from '../../src/protocols/embeddings/encode.js';

test('input as a string, strings, token ids or token arrays', () => {
  assert.deepEqual(decodeEmbeddingsRequest({ model: 'e', input: 'hi' }).input, { kind: 'text', texts: ['hi'] });
  assert.deepEqual(decodeEmbeddingsRequest({ model: 'e', input: ['a', 'b'] }).input, { kind: 'text', texts: ['a', 'b'] });
  assert.deepEqual(decodeEmbeddingsRequest({ model: 'e', input: [1, 2] }).input, { kind: 'tokens', tokens: [[1, 2]] });
  assert.deepEqual(decodeEmbeddingsRequest({ model: 'e', input: [[1], [2, 3]] }).input, { kind: 'tokens', tokens: [[1], [2, 3]] });
  const r = decodeEmbeddingsRequest({ model: 'e', input: 'x', encoding_format: 'base64', dimensions: 8, user: 'u' });
  assert.equal(r.encodingFormat, 'base64');
  assert.equal(r.dimensions, 8);
  assert.equal(r.user, 'u');
});

test('a bad input type is a 400 naming input; an unknown field is refused', () => {
  for (const input of [5, { text: 'x' }, [], [true]]) {
    assert.throws(() => decodeEmbeddingsRequest({ model: 'e', input }), (e: unknown) => e instanceof LinguaError && e.status === 400 && e.param?.startsWith('input') === true, JSON.stringify(input));
  }
  assert.throws(() => decodeEmbeddingsRequest({ model: 'e', input: 'x', encoding_format: 'int8' }), (e: unknown) => e instanceof LinguaError && e.param === 'encoding_format');
  assert.throws(() => decodeEmbeddingsRequest({ model: 'e', input: 'x', temperature: 1 }), (e: unknown) => e instanceof LinguaError && e.status === 400);
});

test('base64 is little-endian float32; float is the numbers', () => {
  const result = { vectors: [[0.5, -2, 3.25]], inputTokens: 3 };
  const b64 = encodeEmbeddings(result, 'e', 'base64');
  const bytes = Buffer.from(b64.data[0]!.embedding as string, 'base64');
  assert.deepEqual([0, 1, 2].map((i) => bytes.readFloatLE(i * 4)), [0.5, -2, 3.25]);
  assert.deepEqual(encodeEmbeddings(result, 'e', 'float'), {
    object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, -2, 3.25] }], model: 'e', usage: { prompt_tokens: 3, total_tokens: 3 },
  });
});
