import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newToolCallId, randomId } from '../../src/lib/ids.js';

test('ids: prefix then 24 base-62 characters; unique across many pool refills; every character used', () => {
  const seen = new Set<string>();
  const chars = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const id = randomId('chatcmpl-');
    assert.match(id, /^chatcmpl-[A-Za-z0-9]{24}$/);
    seen.add(id);
    for (const c of id.slice(9)) chars.add(c);
  }
  assert.equal(seen.size, 20_000);
  assert.equal(chars.size, 62);
  assert.match(newToolCallId(), /^call_[A-Za-z0-9]{24}$/);
  assert.match(randomId('', 100), /^[A-Za-z0-9]{100}$/);
  assert.throws(() => randomId('x', 5000), RangeError);
});
