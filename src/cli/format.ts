import type { LimitsView } from '../admin/views.js';

/** Plain-text output of the admin commands: aligned tables and `field  value` lists. */

export type Cell = string | number | null;

/** Columns padded to their widest cell; numbers right-aligned; null as `-`. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const text = rows.map((r) => r.map(cellText));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], row?: readonly Cell[]) =>
    cells.map((c, i) => (typeof row?.[i] === 'number' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...text.map((t, i) => line(t, rows[i]))].join('\n');
}

function cellText(c: Cell): string {
  if (c === null) return '-';
  return typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 6 }) : c;
}

/** Every field of an object, one a line: arrays joined, objects as JSON, null as `-`. */
export function details(object: Record<string, unknown>): string {
  const entries = Object.entries(object).filter(([k]) => k !== 'object');
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${valueText(v)}`).join('\n');
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return v.length === 0 ? '-' : v.map(String).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `$5.00`, `$0.0060`; amounts under a hundredth of a cent keep two significant digits. */
export function usd(amount: number | null): string | null {
  if (amount === null) return null;
  if (amount === 0 || amount >= 1) return `$${amount.toFixed(2)}`;
  return amount < 0.0001 ? `$${amount.toPrecision(2)}` : `$${amount.toFixed(4)}`;
}

/** An RFC 3339 time as `2026-01-31 12:00` (UTC); `day` for a date alone. */
export function when(time: string | null, unit: 'minute' | 'day' = 'minute'): string | null {
  if (time === null) return null;
  return unit === 'day' ? time.slice(0, 10) : `${time.slice(0, 10)} ${time.slice(11, 16)}`;
}

/** `rpm 60, tpm 100000, concurrency 4`, or null for none. */
export function limitsText(v: LimitsView): string | null {
  const parts = [
    v.rpm === null ? '' : `rpm ${v.rpm}`,
    v.tpm === null ? '' : `tpm ${v.tpm}`,
    v.max_concurrency === null ? '' : `concurrency ${v.max_concurrency}`,
  ].filter((p) => p !== '');
  return parts.length === 0 ? null : parts.join(', ');
}

/** `$0.0100 of $5.0000/month`, or null without a budget. */
export function budgetText(v: LimitsView): string | null {
  if (v.budget_usd === null) return null;
  return `${usd(v.budget_used_usd ?? 0)} of ${usd(v.budget_usd)}/${v.budget_period}`;
}
