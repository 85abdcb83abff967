import { useMemo, useState } from 'preact/hooks';
import { api, withQuery } from '../api';
import { Chart, type ChartSeries, type Unit } from '../components/Chart';
import { Empty, ErrorNote, Loading } from '../components/Feedback';
import { download, toCsv } from '../csv';
import { count, ms, usd } from '../format';
import { useSession } from '../session';
import type { Key, List, ModelsView, UsageReport, UsageRow } from '../types';
import { useLoad } from '../use-load';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const RANGES = [
  { id: '24h', label: 'Last 24 hours', ms: DAY },
  { id: '7d', label: 'Last 7 days', ms: 7 * DAY },
  { id: '30d', label: 'Last 30 days', ms: 30 * DAY },
  { id: '90d', label: 'Last 90 days', ms: 90 * DAY },
  { id: 'custom', label: 'Dates…', ms: 0 },
];

type Metric = keyof Pick<UsageRow, 'requests' | 'input_tokens' | 'output_tokens' | 'cost_usd' | 'errors' | 'latency_p50_ms' | 'latency_p95_ms' | 'ttft_p50_ms'>;

const CHARTS: Array<{ id: string; title: string; unit: Unit; metrics: Array<[Metric, string]> }> = [
  { id: 'requests', title: 'Requests', unit: 'count', metrics: [['requests', 'Requests']] },
  { id: 'tokens', title: 'Tokens', unit: 'count', metrics: [['input_tokens', 'Input'], ['output_tokens', 'Output']] },
  { id: 'cost', title: 'Cost', unit: 'usd', metrics: [['cost_usd', 'Cost']] },
  { id: 'errors', title: 'Errors (status ≥ 400)', unit: 'count', metrics: [['errors', 'Errors']] },
  { id: 'latency', title: 'Latency', unit: 'ms', metrics: [['latency_p50_ms', 'p50'], ['latency_p95_ms', 'p95']] },
  { id: 'ttft', title: 'Time to first token', unit: 'ms', metrics: [['ttft_p50_ms', 'p50']] },
];

const additive = new Set<Metric>(['requests', 'input_tokens', 'output_tokens', 'cost_usd', 'errors']);

interface Window {
  from: number;
  to: number;
  bucket: 'hour' | 'day';
}

function windowOf(range: string, fromDate: string, toDate: string, now: number): Window {
  if (range === 'custom' && fromDate !== '' && toDate !== '') {
    const from = Date.parse(`${fromDate}T00:00:00Z`);
    const to = Date.parse(`${toDate}T00:00:00Z`) + DAY;
    return { from, to, bucket: to - from <= 2 * DAY ? 'hour' : 'day' };
  }
  const span = RANGES.find((r) => r.id === range)?.ms || 7 * DAY;
  const to = Math.ceil(now / HOUR) * HOUR;
  return { from: to - span, to, bucket: span <= 7 * DAY ? 'hour' : 'day' };
}

interface SeriesData {
  group: string | null;
  rows: UsageRow[];
}

interface Loaded {
  x: number[];
  perGroup: Array<{ group: string | null; points: Map<number, UsageRow> }>;
  overall: UsageRow[];
  table: UsageReport;
}

/** The usage of a range: one time series per group (every request, or the top 5 keys or models), and the table below. */
async function loadUsage(w: Window, filters: { key: string; model: string }, split: 'none' | 'key' | 'model', tableBy: 'key' | 'model' | 'time'): Promise<Loaded> {
  const base = { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), key: filters.key, model: filters.model };
  const usage = (q: Record<string, string>) => api<UsageReport>('GET', withQuery('/usage', { ...base, ...q }));
  const [overall, table] = await Promise.all([usage({ group_by: w.bucket }), usage({ group_by: tableBy === 'time' ? w.bucket : tableBy })]);
  let series: SeriesData[] = [{ group: null, rows: overall.data }];
  if (split !== 'none') {
    const groups = split === tableBy ? table : await usage({ group_by: split });
    series = await Promise.all(groups.data.filter((g) => g.group !== null).slice(0, 5).map(async (g) => ({
      group: g.group,
      rows: (await usage({ group_by: w.bucket, [split]: g.group! })).data,
    })));
  }
  const step = w.bucket === 'hour' ? HOUR : DAY;
  const x: number[] = [];
  for (let t = Math.floor(w.from / step) * step; t < w.to; t += step) x.push(t / 1000);
  const pointsOf = (rows: UsageRow[]) => new Map(rows.map((r) => [Date.parse(r.group ?? '') / 1000, r]));
  return { x, perGroup: series.map((s) => ({ group: s.group, points: pointsOf(s.rows) })), overall: overall.data, table };
}

const sum = (rows: UsageRow[], m: Metric) => rows.reduce((n, r) => n + ((r[m] as number | null) ?? 0), 0);

/** Usage over time, by key and by model, with the table below and its CSV. */
export function Usage() {
  const session = useSession();
  const [range, setRange] = useState('7d');
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [key, setKey] = useState('');
  const [model, setModel] = useState('');
  const [split, setSplit] = useState<'none' | 'key' | 'model'>('none');
  const [tableBy, setTableBy] = useState<'key' | 'model' | 'time'>('key');
  const [now, setNow] = useState(Date.now());
  const w = windowOf(range, fromDate, toDate, now);
  const keys = useLoad(() => api<List<Key>>('GET', '/keys'), []);
  const models = useLoad(() => api<ModelsView>('GET', '/models'), []);
  const data = useLoad(() => loadUsage(w, { key, model }, split, tableBy), [w.from, w.to, w.bucket, key, model, split, tableBy]);

  const keyName = new Map((keys.data?.data ?? []).map((k) => [k.id, k.name]));
  const label = (by: 'key' | 'model' | 'time' | 'none', group: string | null): string => {
    if (group === null) return by === 'key' ? '(no key)' : by === 'model' ? '(no model)' : 'All';
    if (by === 'key') return keyName.has(group) ? `${keyName.get(group)} (${group})` : group;
    if (by === 'time') return new Date(group).toLocaleString(undefined, w.bucket === 'day' ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'short', timeStyle: 'short' });
    return group;
  };

  const charts = useMemo(() => {
    const loaded = data.data;
    if (loaded === undefined) return [];
    return CHARTS.map((c) => {
      const series: ChartSeries[] = loaded.perGroup.flatMap((g) => c.metrics.map(([m, name]) => ({
        label: split === 'none' ? name : c.metrics.length === 1 ? label(split, g.group) : `${label(split, g.group)} ${name}`,
        values: loaded.x.map((t) => {
          const row = g.points.get(t);
          return row === undefined ? (additive.has(m) ? 0 : null) : (row[m] as number | null);
        }),
      })));
      const rows = loaded.overall;
      const summary = c.id === 'requests' ? `${count(sum(rows, 'requests'))} in range`
        : c.id === 'tokens' ? `${count(sum(rows, 'input_tokens'))} in, ${count(sum(rows, 'output_tokens'))} out`
        : c.id === 'cost' ? `${usd(sum(rows, 'cost_usd'))} in range`
        : c.id === 'errors' ? `${count(sum(rows, 'errors'))} in range`
        : `per ${w.bucket}`;
      return { ...c, series, summary };
    });
  }, [data.data, split, keys.data]);

  const table = data.data?.table;
  const csv = () => {
    if (table === undefined) return;
    const header = ['group', 'label', 'requests', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost_usd', 'errors', 'latency_p50_ms', 'latency_p95_ms', 'ttft_p50_ms', 'unpriced'];
    download(`lingua-usage-by-${tableBy}-${table.from.slice(0, 10)}-${table.to.slice(0, 10)}.csv`, toCsv(header, table.data.map((r) => [
      r.group, label(tableBy, r.group), r.requests, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_tokens, r.cost_usd, r.errors, r.latency_p50_ms, r.latency_p95_ms, r.ttft_p50_ms, r.unpriced,
    ])));
  };
  const total = data.data === undefined ? 0 : sum(data.data.overall, 'requests');

  return (
    <>
      <form class="toolbar filters" onSubmit={(e) => e.preventDefault()} aria-label="Usage filters">
        <label class="inline">Range{' '}
          <select value={range} onChange={(e) => { setRange(e.currentTarget.value); setNow(Date.now()); }}>
            {RANGES.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
          </select>
        </label>
        {range === 'custom' ? (
          <>
            <label class="inline">From <input type="date" value={fromDate} onInput={(e) => setFromDate(e.currentTarget.value)} /></label>
            <label class="inline">To <input type="date" value={toDate} onInput={(e) => setToDate(e.currentTarget.value)} /></label>
          </>
        ) : null}
        <label class="inline">Key{' '}
          <select value={key} onChange={(e) => setKey(e.currentTarget.value)}>
            <option value="">{session.kind === 'operator' ? 'All keys' : 'All your keys'}</option>
            {(keys.data?.data ?? []).map((k) => <option key={k.id} value={k.id}>{k.name} ({k.id})</option>)}
          </select>
        </label>
        <label class="inline">Model{' '}
          <select value={model} onChange={(e) => setModel(e.currentTarget.value)}>
            <option value="">All models</option>
            {(models.data?.data ?? []).map((m) => <option key={m.name} value={m.name}>{m.name}</option>)}
          </select>
        </label>
        <label class="inline">Lines{' '}
          <select value={split} onChange={(e) => setSplit(e.currentTarget.value as typeof split)}>
            <option value="none">All requests</option>
            <option value="key">By key (top 5)</option>
            <option value="model">By model (top 5)</option>
          </select>
        </label>
        <button type="button" onClick={() => setNow(Date.now())}>Refresh</button>
      </form>
      <ErrorNote error={data.error} retry={data.reload} />
      {data.data === undefined ? (data.loading ? <Loading what="usage" /> : null) : (
        <>
          {data.loading ? <Loading what="usage" /> : null}
          {table?.notice == null ? null : <p class="notice">{table.notice}</p>}
          {total === 0 ? (
            <Empty><p>No requests in this range — make one with a key (Keys → Create Token), try the <a href="#/playground">Playground</a>, or pick a longer range.</p></Empty>
          ) : null}
          <div class="charts">
            {charts.map((c) => <Chart key={c.id} id={c.id} title={c.title} unit={c.unit} x={data.data!.x} series={c.series} summary={c.summary} />)}
          </div>
          <section aria-labelledby="usage-table-title">
            <div class="toolbar">
              <h2 id="usage-table-title">Table</h2>
              <label class="inline">Rows{' '}
                <select value={tableBy} onChange={(e) => setTableBy(e.currentTarget.value as typeof tableBy)}>
                  <option value="key">By key</option>
                  <option value="model">By model</option>
                  <option value="time">By {w.bucket}</option>
                </select>
              </label>
              <button type="button" onClick={csv} disabled={table === undefined || table.data.length === 0}>Export CSV</button>
            </div>
            {table === undefined || table.data.length === 0 ? <Empty><p>Nothing to list for this range.</p></Empty> : (
              <div class="table-wrap">
                <table class="stack numbers" data-testid="usage-table">
                  <caption class="visually-hidden">Usage by {tableBy}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{tableBy === 'time' ? (w.bucket === 'day' ? 'Day (UTC)' : 'Hour') : tableBy === 'key' ? 'Key' : 'Model'}</th>
                      <th scope="col">Requests</th><th scope="col">Input tokens</th><th scope="col">Output tokens</th><th scope="col">Cost</th>
                      <th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">TTFT p50</th>
                    </tr>
                  </thead>
                  <tbody>
                    {table.data.map((r) => (
                      <tr key={r.group ?? '-'}>
                        <th scope="row" data-label={tableBy}>{label(tableBy, r.group)}</th>
                        <td data-label="Requests">{count(r.requests)}</td>
                        <td data-label="Input tokens">{count(r.input_tokens)}{r.cached_input_tokens > 0 ? ` (${count(r.cached_input_tokens)} cached)` : ''}</td>
                        <td data-label="Output tokens">{count(r.output_tokens)}</td>
                        <td data-label="Cost">{usd(r.cost_usd)}{r.unpriced > 0 ? '*' : ''}</td>
                        <td data-label="Errors">{count(r.errors)}</td>
                        <td data-label="p50">{ms(r.latency_p50_ms)}</td>
                        <td data-label="p95">{ms(r.latency_p95_ms)}</td>
                        <td data-label="TTFT p50">{ms(r.ttft_p50_ms)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
