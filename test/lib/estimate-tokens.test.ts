import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTextTokens, TextTokenCount } from '../../src/lib/estimate-tokens.js';

test('the text estimate: ⌈ASCII / 4⌉ + one per other character, a surrogate pair being one', () => {
  assert.equal(estimateTextTokens(''), 0);
  assert.equal(estimateTextTokens('Hello, world!'), 4);
  assert.equal(estimateTextTokens('你好世界'), 4);
  assert.equal(estimateTextTokens('héllo'), 1 + 1);
  assert.equal(estimateTextTokens('ok 😀'), 1 + 1);
  // Lone halves of a pair count one each.
  assert.equal(estimateTextTokens('\ud83d \ude00'), 1 + 2);
  assert.equal(estimateTextTokens('x'.repeat(4 * 1024 * 1024 + 1)), 1024 * 1024 + 1);
});

test('counted in pieces, a text gets the estimate of the pieces joined, however it is split', () => {
  const texts = ['Hello, world!', 'naïve café 你好 😀😀 end', '\ud83d\ude00\ud83d', '\ude00a\ud83d\ud83d\ude00', 'é'];
  for (const text of texts) {
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const count = new TextTokenCount();
        for (const piece of [text.slice(0, a), text.slice(a, b), text.slice(b)]) count.add(piece);
        assert.equal(count.tokens, estimateTextTokens(text), `${JSON.stringify(text)} split at ${a}, ${b}`);
      }
    }
  }
});
