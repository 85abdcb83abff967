import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { InvalidCursorError } from './errors.js';
import { quantile } from './latency-histogram.js';
import { bucketColumns, DAY_MS, HOUR_MS, type Database, type RollupTable, type UsageRecordsTable } from './schema.js';
import type { StoredUsageRecord } from './usage-record.js';

const MAX_PAGE = 1000;
const PRUNE_BATCH = 10_000;

export type SummaryGroup = 'key' | 'account' | 'model' | 'day' | 'hour';

export interface SummaryQuery {
  /** Unix ms; rounded down to its UTC hour. */
  from: number;
  /** Unix ms, exclusive; rounded up to a UTC hour. */
  to: number;
  keyId?: string;
  accountId?: string;
  model?: string;
  groupBy: SummaryGroup;
}

export interface SummaryRow {
  /** The key id, account id or model (null: records without one), or the start (ms) of the day or hour. */
  group: string | number | null;
  requests: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** nano-USD. */
  cost: number;
  /** Requests answered with a status ≥ 400. */
  errors: number;
  /** Over every request, refused ones included; estimated from the rollups' histograms (latency-histogram.ts). Null with no requests. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  /** Over the requests that have a time to first token. */
  ttft_p50_ms: number | null;
  /** Requests for models without pricing (their cost counts as 0). */
  unpriced: number;
}

export interface RequestsQuery {
  from?: number;
  /** Exclusive. */
  to?: number;
  keyId?: string;
  accountId?: string;
  model?: string;
  status?: number;
  /** 1 … 1000. */
  limit: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
}

export interface RequestsPage {
  /** Newest first. */
  rows: StoredUsageRecord[];
  /** Null on the last page. */
  nextCursor: string | null;
}

export type SpentBy = { keyId: string } | { accountId: string };

const latencyColumns = bucketColumns('lat_');
const ttftColumns = bucketColumns('ttft_');
const summedColumns = [
  'requests', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost', 'errors', 'unpriced',
  ...latencyColumns, ...ttftColumns,
] as const;

/** A rollup table and the [from, to) of row starts to read from it. */
type Span = [table: RollupTable, from: number, to: number];

const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;
const ceilTo = (ms: number, unit: number): number => Math.ceil(ms / unit) * unit;

/** [from, to) widened to hours, as whole days (when `days`) plus the hours either side. */
function spans(fromMs: number, toMs: number, days: boolean): Span[] {
  const from = floorTo(fromMs, HOUR_MS);
  const to = ceilTo(toMs, HOUR_MS);
  const firstDay = ceilTo(from, DAY_MS);
  const lastDay = floorTo(to, DAY_MS);
  if (!days || firstDay >= lastDay) return [['usage_hourly', from, to]];
  const out: Span[] = [['usage_daily', firstDay, lastDay]];
  if (from < firstDay) out.push(['usage_hourly', from, firstDay]);
  if (lastDay < to) out.push(['usage_hourly', lastDay, to]);
  return out;
}

/** What the admin API and the budgets ask of the ledger: summaries from the rollups, pages of raw records. */
export class UsageQueries {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Totals per group over [from, to), read from the rollups: `from` and
   * `to` are widened to whole UTC hours. Whole days come from the daily
   * rollups, the hours around them (and `groupBy: 'hour'`) from the hourly
   * ones. Time groups come oldest first, the others by cost, then
   * requests, most first.
   */
  async summary(q: SummaryQuery): Promise<SummaryRow[]> {
    const group = groupExpression(q.groupBy);
    const part = ([table, from, to]: Span) => this.db
      // Both rollup tables have the same columns.
      .selectFrom(table as 'usage_hourly')
      .select([group.as('grp'), ...summedColumns.map((c) => sql.ref(c).as(c))])
      .where('start', '>=', from)
      .where('start', '<', to)
      .$if(q.keyId !== undefined, (s) => s.where('key_id', '=', q.keyId!))
      .$if(q.accountId !== undefined, (s) => s.where('account_id', '=', q.accountId!))
      .$if(q.model !== undefined, (s) => s.where('model', '=', q.model!));
    const [first, ...more] = spans(q.from, q.to, q.groupBy !== 'hour').map(part);
    const rollups = more.reduce((union, p) => union.unionAll(p), first!);
    const rows = await this.db
      .selectFrom(rollups.as('u'))
      .select(['grp', ...summedColumns.map((c) => sql<number>`sum(${sql.ref(c)})`.as(c))])
      .groupBy('grp')
      .execute();
    const out = rows.map((r): SummaryRow => {
      const bucket = r as unknown as Record<string, number>;
      return {
        group: r.grp === '' ? null : r.grp,
        requests: r.requests,
        input_tokens: r.input_tokens,
        cached_input_tokens: r.cached_input_tokens,
        output_tokens: r.output_tokens,
        reasoning_tokens: r.reasoning_tokens,
        cost: r.cost,
        errors: r.errors,
        latency_p50_ms: quantile(latencyColumns.map((c) => bucket[c]!), 0.5),
        latency_p95_ms: quantile(latencyColumns.map((c) => bucket[c]!), 0.95),
        ttft_p50_ms: quantile(ttftColumns.map((c) => bucket[c]!), 0.5),
        unpriced: r.unpriced,
      };
    });
    return out.sort(q.groupBy === 'day' || q.groupBy === 'hour' ? byTime : byCost);
  }

  /** Usage records, newest first, a page at a time (keyset pagination on (ts, id)). Throws InvalidCursorError. */
  async requests(q: RequestsQuery): Promise<RequestsPage> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(q.limit)));
    const after = q.cursor === undefined ? undefined : parseCursor(q.cursor);
    const rows = await this.db
      .selectFrom('usage_records')
      .selectAll()
      .$if(q.from !== undefined, (s) => s.where('ts', '>=', q.from!))
      .$if(q.to !== undefined, (s) => s.where('ts', '<', q.to!))
      .$if(q.keyId !== undefined, (s) => s.where('key_id', '=', q.keyId!))
      .$if(q.accountId !== undefined, (s) => s.where('account_id', '=', q.accountId!))
      .$if(q.model !== undefined, (s) => s.where('model', '=', q.model!))
      .$if(q.status !== undefined, (s) => s.where('status', '=', q.status!))
      .$if(after !== undefined, (s) => s.where((eb) => eb(eb.refTuple('ts', 'id'), '<', eb.tuple(after![0], after![1]))))
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { rows: page.map(storedRecord), nextCursor: more && last ? `${last.ts}.${last.id}` : null };
  }

  /**
   * nano-USD spent by a key or an account since `sinceMs`, in one query:
   * whole days from the daily rollups, the whole hours before them from
   * the hourly ones, and the records of the part hour before those (none
   * when `sinceMs` is on an hour, as budget periods are). Only what the
   * ledger has committed: records still in a LedgerWriter's queue are not in it.
   */
  async spent(by: SpentBy, sinceMs: number): Promise<number> {
    const [column, id] = 'keyId' in by ? (['key_id', by.keyId] as const) : (['account_id', by.accountId] as const);
    const firstHour = ceilTo(sinceMs, HOUR_MS);
    const firstDay = ceilTo(firstHour, DAY_MS);
    const rollup = (table: RollupTable, from: number, to: number) => this.db
      .selectFrom(table as 'usage_hourly')
      .select(sql<number | null>`sum(cost)`.as('cost'))
      .where(column, '=', id)
      .where('start', '>=', from)
      .where('start', '<', to);
    const query = this.db
      .selectFrom('usage_records')
      .select(sql<number | null>`sum(cost)`.as('cost'))
      .where(column, '=', id)
      .where('ts', '>=', sinceMs)
      .where('ts', '<', firstHour)
      .unionAll(rollup('usage_hourly', firstHour, firstDay))
      .unionAll(rollup('usage_daily', firstDay, Number.MAX_SAFE_INTEGER));
    const parts = await query.execute();
    return parts.reduce((sum, p) => sum + (p.cost ?? 0), 0);
  }

  /**
   * Deletes the records (not the rollups) from before `beforeMs`, in
   * batches of 10,000 so that no statement holds the database for long.
   * Returns how many went.
   */
  async pruneRecords(beforeMs: number): Promise<number> {
    let total = 0;
    for (;;) {
      const oldest = this.db.selectFrom('usage_records').select('id').where('ts', '<', beforeMs).orderBy('ts').limit(PRUNE_BATCH);
      const result = await this.db.deleteFrom('usage_records').where('id', 'in', oldest).executeTakeFirst();
      const n = Number(result.numDeletedRows);
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }
}

function groupExpression(by: SummaryGroup): RawBuilder<string | number> {
  switch (by) {
    case 'key': return sql`key_id`;
    case 'account': return sql`account_id`;
    case 'model': return sql`model`;
    case 'hour': return sql`start`;
    case 'day': return sql`start - start % ${sql.lit(DAY_MS)}`;
  }
}

const byTime = (a: SummaryRow, b: SummaryRow): number => (a.group as number) - (b.group as number);
const byCost = (a: SummaryRow, b: SummaryRow): number =>
  b.cost - a.cost || b.requests - a.requests || String(a.group ?? '').localeCompare(String(b.group ?? ''));

function parseCursor(cursor: string): [number, number] {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (!m) throw new InvalidCursorError(cursor);
  return [Number(m[1]), Number(m[2])];
}

function storedRecord(r: Selectable<UsageRecordsTable>): StoredUsageRecord {
  return {
    requestId: r.request_id,
    ts: r.ts,
    accountId: r.account_id,
    keyId: r.key_id,
    model: r.model,
    provider: r.provider,
    upstreamModel: r.upstream_model,
    protocol: r.protocol,
    endpoint: r.endpoint,
    stream: r.stream === 1,
    status: r.status,
    errorKind: r.error_kind,
    inputTokens: r.input_tokens,
    cachedInputTokens: r.cached_input_tokens,
    outputTokens: r.output_tokens,
    reasoningTokens: r.reasoning_tokens,
    estimated: r.estimated === 1,
    cost: r.cost,
    unpriced: r.unpriced === 1,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    attempts: r.attempts,
    user: r.end_user,
  };
}
