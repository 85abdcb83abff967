import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortSource } from '../../src/lib/abort-source.js';

test('AbortSource: every listener still listening is called once, in order; unlisten works for the first and later ones', () => {
  const abort = new AbortSource();
  const calls: string[] = [];
  const a = () => calls.push('a');
  const b = () => calls.push('b');
  const c = () => calls.push('c');
  const d = () => calls.push('d');
  abort.listen(a);
  abort.listen(b);
  abort.listen(c);
  abort.listen(d);
  abort.unlisten(a);
  abort.unlisten(c);
  assert.equal(abort.aborted, false);
  abort.abort();
  abort.abort();
  assert.deepEqual(calls, ['b', 'd']);
  assert.equal(abort.aborted, true);
});

test('AbortSource: a lone listener taken off is not called; the signal follows the abort whether built before or after it', () => {
  const abort = new AbortSource();
  let called = false;
  const l = () => { called = true; };
  abort.listen(l);
  abort.unlisten(l);
  const early = abort.signal;
  assert.equal(early.aborted, false);
  abort.abort();
  assert.equal(called, false);
  assert.equal(early.aborted, true);

  const late = new AbortSource();
  late.abort();
  assert.equal(late.signal.aborted, true);
});
