import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodBounds } from '../../src/limits/index.js';

test('budget periods come from the UTC clock: day, week from Monday, month from the 1st, none', () => {
  const sunday = Date.UTC(2030, 0, 13, 23, 59, 59, 999);
  assert.deepEqual(periodBounds('day', sunday), { start: Date.UTC(2030, 0, 13), resetsAt: Date.UTC(2030, 0, 14) });
  assert.deepEqual(periodBounds('week', sunday), { start: Date.UTC(2030, 0, 7), resetsAt: Date.UTC(2030, 0, 14) });
  assert.deepEqual(periodBounds('week', Date.UTC(2030, 0, 14)), { start: Date.UTC(2030, 0, 14), resetsAt: Date.UTC(2030, 0, 21) });
  assert.deepEqual(periodBounds('week', Date.UTC(2026, 11, 31, 8)), { start: Date.UTC(2026, 11, 28), resetsAt: Date.UTC(2027, 0, 4) }, 'across a year end');
  assert.deepEqual(periodBounds('month', Date.UTC(2028, 1, 29, 12)), { start: Date.UTC(2028, 1, 1), resetsAt: Date.UTC(2028, 2, 1) }, 'a leap February');
  assert.deepEqual(periodBounds('month', Date.UTC(2030, 11, 31, 23)), { start: Date.UTC(2030, 11, 1), resetsAt: Date.UTC(2031, 0, 1) });
  assert.deepEqual(periodBounds('none', sunday), { start: 0, resetsAt: null });
});
