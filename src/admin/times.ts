/**
 * Times and durations as the admin API and the CLI write them. The API
 * speaks RFC 3339 (`2026-01-31T12:00:00Z`) and Unix seconds; TypeScript
 * inside Lingua speaks Unix milliseconds.
 */

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
// A time of day needs its offset: without one, the time would be the server's local time.
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;
const unixSeconds = /^\d{1,12}$/;

/** Unix ms of an RFC 3339 time (or a bare date, as 00:00 UTC) or of Unix seconds (digits only); undefined if it is neither. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (unixSeconds.test(t)) return Number(t) * 1000;
  if ((!dateOnly.test(t) && !dateTime.test(t)) || !realDate(t)) return undefined;
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The date part names a real day (Date.parse turns 2026-02-30 into March 2nd). */
function realDate(t: string): boolean {
  const [y, m, d] = [Number(t.slice(0, 4)), Number(t.slice(5, 7)), Number(t.slice(8, 10))];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const duration = /^(\d+[smhdw])+$/;

/** Milliseconds of a duration such as `30d`, `1h30m`, `90s` (s, m, h, d, w); undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!duration.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * units[unit!]!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** RFC 3339 in UTC, or null. */
export function rfc3339(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
