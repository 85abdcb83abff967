import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseTime, rfc3339 } from '../../src/admin/times.js';

test('parseTime: RFC 3339 with an offset, a bare date (00:00 UTC), Unix seconds; nothing else', () => {
  assert.equal(parseTime('2026-12-31T23:59:00Z'), Date.UTC(2026, 11, 31, 23, 59));
  assert.equal(parseTime('2026-12-31T23:59:00.250+01:00'), Date.UTC(2026, 11, 31, 22, 59, 0, 250));
  assert.equal(parseTime('2026-12-31 23:59z'), Date.UTC(2026, 11, 31, 23, 59));
  assert.equal(parseTime('2026-12-31'), Date.UTC(2026, 11, 31));
  assert.equal(parseTime('1798761600'), 1_798_761_600_000);
  // A time of day without an offset would be the server's local time.
  assert.equal(parseTime('2026-12-31T23:59:00'), undefined);
  for (const bad of ['', 'tomorrow', '2026-13-01', '2026-02-30T00:00:00Z', '-5', '1.5', '2026-12-31T25:00:00Z']) {
    assert.equal(parseTime(bad), undefined, bad);
  }
});

test('parseDuration: units s m h d w, combined; nothing else', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('30d'), 30 * 86_400_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('2w'), 14 * 86_400_000);
  for (const bad of ['', '30', 'd', '1.5h', '1y', '1h 30m', '-1d']) assert.equal(parseDuration(bad), undefined, bad);
});

test('rfc3339: UTC with milliseconds; null stays null', () => {
  assert.equal(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), '2026-01-02T03:04:05.006Z');
  assert.equal(rfc3339(null), null);
});
