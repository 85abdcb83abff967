/** How the pages write numbers, money and times. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : integer.format(n));

export function usd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n === 0) return '$0';
  const digits = Math.abs(n) >= 1 ? 2 : Math.abs(n) >= 0.01 ? 4 : 6;
  return `$${n.toFixed(digits)}`;
}

export const ms = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);

export function dateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "3 min ago", "in 2 h": for last-used and expiry columns. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const [n, unit] = abs < 60_000 ? [Math.round(abs / 1000), 's'] : abs < 3_600_000 ? [Math.round(abs / 60_000), 'min'] : abs < 86_400_000 ? [Math.round(abs / 3_600_000), 'h'] : [Math.round(abs / 86_400_000), 'd'];
  return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

export function limits(l: { rpm: number | null; tpm: number | null; max_concurrency: number | null }): string {
  const parts = [l.rpm === null ? '' : `${count(l.rpm)} rpm`, l.tpm === null ? '' : `${count(l.tpm)} tpm`, l.max_concurrency === null ? '' : `${l.max_concurrency} at once`].filter((p) => p !== '');
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export function budget(b: { budget_usd: number | null; budget_period: string | null; budget_used_usd: number | null; budget_left_usd: number | null }): string {
  if (b.budget_usd === null) return 'no budget';
  const period = b.budget_period === 'none' ? 'in total' : `a ${b.budget_period ?? 'month'}`;
  return `${usd(b.budget_used_usd)} used, ${usd(b.budget_left_usd)} left of ${usd(b.budget_usd)} ${period}`;
}
