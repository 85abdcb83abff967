import { sql, type Insertable, type Kysely } from 'kysely';
import type { StatementRunner } from './dialect.js';
import { bucketOf } from './latency-histogram.js';
import { RowStatements, type Statement } from './row-statements.js';
import { bucketColumns, ROLLUPS, type Database, type RollupTable, type UsageRecordsTable, type UsageRollupsTable } from './schema.js';
import type { UsageRecord } from './usage-record.js';

/** Strings a caller chooses (the model asked for, `user`) are cut to this length so that no row grows unbounded. */
const MAX_TEXT = 256;

const latencyColumns = bucketColumns('lat_');
const ttftColumns = bucketColumns('ttft_');
const sumColumns = [
  'requests', 'errors', 'unpriced', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost', 'ttft_count',
  ...latencyColumns, ...ttftColumns,
] as const;

const keyColumns = ['start', 'key_id', 'model', 'account_id'] as const;
const rollupColumns = [...keyColumns, ...sumColumns];
/** Where a sum sits in a rollup row's values. */
const at = (c: (typeof sumColumns)[number]): number => keyColumns.length + sumColumns.indexOf(c);
const [REQUESTS, ERRORS, UNPRICED, INPUT, CACHED, OUTPUT, REASONING, COST, TTFT_COUNT, LATENCY_0, TTFT_0] = ([
  'requests', 'errors', 'unpriced', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost', 'ttft_count', 'lat_0', 'ttft_0',
] as const).map(at) as [number, number, number, number, number, number, number, number, number, number, number];

/** The columns of a usage record row, in the order recordValues() gives them. */
const recordColumns = [
  'ts', 'cost', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'latency_ms', 'ttft_ms',
  'status', 'attempts', 'stream', 'estimated', 'unpriced',
  'request_id', 'account_id', 'key_id', 'model', 'provider', 'upstream_model', 'protocol', 'endpoint', 'error_kind', 'end_user',
] as const satisfies ReadonlyArray<keyof UsageRecordsTable>;

/**
 * Writes usage records and adds them to their hourly and daily rollups, in
 * one transaction: multi-row INSERTs for the records, then one upsert row
 * per hour (day) × key × model × account (`ON CONFLICT … DO UPDATE SET x =
 * x + excluded.x`), in primary-key order so that two instances adding to
 * the same rollups at once lock them in the same order and cannot deadlock.
 * Rows are arrays of values in column order (row-statements.ts).
 */
export class UsageInserter {
  readonly #records: RowStatements;
  readonly #rollups: Record<RollupTable, RowStatements>;

  constructor(private readonly db: Kysely<Database>, private readonly run: StatementRunner) {
    this.#records = new RowStatements(recordColumns, (rows) => db.insertInto('usage_records').values(rows as Array<Insertable<UsageRecordsTable>>).compile());
    const upsert = (table: RollupTable) => new RowStatements(rollupColumns, (rows) => db
      .insertInto(table)
      .values(rows as Array<Insertable<UsageRollupsTable>>)
      .onConflict((oc) => oc.columns([...keyColumns]).doUpdateSet(addExcluded(table)))
      .compile());
    this.#rollups = { usage_hourly: upsert('usage_hourly'), usage_daily: upsert('usage_daily') };
  }

  async insert(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.run(this.db, this.#statements(records));
  }

  *#statements(records: readonly UsageRecord[]): Generator<Statement> {
    yield* this.#records.statements(records.map(recordValues));
    for (const { table, spanMs } of ROLLUPS) yield* this.#rollups[table].statements(rollupValues(records, spanMs));
  }
}

const addExcluded = (table: RollupTable) =>
  Object.fromEntries(sumColumns.map((c) => [c, sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as
    Record<(typeof sumColumns)[number], ReturnType<typeof sql<number>>>;

/**
 * Why a record cannot be stored (a figure that is not a number in its
 * column's range, a string that is not one), or undefined when it can:
 * checked when a record is handed over, so that a bad record never reaches a batch.
 * Each figure's bound is its column's (PostgreSQL's smallint, integer,
 * bigint within a JS number's exact range). Each field is read by name (not
 * in a loop over names, whose keyed reads cost ~0.5% of a call's CPU).
 */
export function usageRecordProblem(r: UsageRecord): string | undefined {
  return required('requestId', r.requestId) ?? required('protocol', r.protocol) ?? required('endpoint', r.endpoint)
    ?? optional('accountId', r.accountId) ?? optional('keyId', r.keyId) ?? optional('model', r.model) ?? optional('provider', r.provider)
    ?? optional('upstreamModel', r.upstreamModel) ?? optional('errorKind', r.errorKind) ?? optional('user', r.user)
    ?? figure('ts', r.ts, 2 ** 53) ?? figure('cost', r.cost, 2 ** 53)
    ?? figure('inputTokens', r.inputTokens, 2 ** 31) ?? figure('cachedInputTokens', r.cachedInputTokens, 2 ** 31)
    ?? figure('outputTokens', r.outputTokens, 2 ** 31) ?? figure('reasoningTokens', r.reasoningTokens, 2 ** 31)
    ?? figure('latencyMs', r.latencyMs, 2 ** 31) ?? (r.ttftMs == null ? undefined : figure('ttftMs', r.ttftMs, 2 ** 31))
    ?? figure('status', r.status, 2 ** 15) ?? figure('attempts', r.attempts, 2 ** 15);
}

function required(field: string, v: unknown): string | undefined {
  return typeof v !== 'string' || v === '' ? `${field} must be a non-empty string` : undefined;
}

function optional(field: string, v: unknown): string | undefined {
  return v != null && typeof v !== 'string' ? `${field} must be a string or null` : undefined;
}

function figure(field: string, v: unknown, max: number): string | undefined {
  return typeof v !== 'number' || !(v >= 0 && v < max) ? `${field} must be a number from 0 to ${max - 1}` : undefined;
}

/** Text as both databases store it: no NUL (PostgreSQL refuses it), at most MAX_TEXT characters for what a caller chooses. */
function text(s: string): string;
function text(s: string | null | undefined, max?: number): string | null;
function text(s: string | null | undefined, max = Infinity): string | null {
  if (s == null) return null;
  const clean = s.includes('\0') ? s.replaceAll('\0', '') : s;
  return clean.length > max ? clean.slice(0, max) : clean;
}

const int = Math.round;

/** A record's column values, in recordColumns order. */
function recordValues(r: UsageRecord): unknown[] {
  return [
    int(r.ts), int(r.cost), int(r.inputTokens), int(r.cachedInputTokens), int(r.outputTokens), int(r.reasoningTokens),
    int(r.latencyMs), r.ttftMs == null ? null : int(r.ttftMs),
    int(r.status), int(r.attempts), r.stream ? 1 : 0, r.estimated ? 1 : 0, r.unpriced ? 1 : 0,
    text(r.requestId), text(r.accountId), text(r.keyId), text(r.model, MAX_TEXT), text(r.provider), text(r.upstreamModel, MAX_TEXT),
    text(r.protocol), text(r.endpoint), text(r.errorKind), text(r.user, MAX_TEXT),
  ];
}

/** A rollup row's values: start, key, model, account, then the sums. */
type RollupValues = [number, string, string, string, ...number[]];

/** The records summed per span × key × model × account, in primary-key order. */
function rollupValues(records: readonly UsageRecord[], spanMs: number): RollupValues[] {
  const groups = new Map<string, RollupValues>();
  let g: RollupValues | undefined;
  let previous: UsageRecord | undefined;
  for (const r of records) {
    const ts = int(r.ts);
    const start = ts - (ts % spanMs);
    // Records in a row mostly share their group (one busy key and model): the previous one's, found without a lookup.
    if (previous === undefined || start !== g![0] || r.keyId !== previous.keyId || r.model !== previous.model || r.accountId !== previous.accountId) {
      const keyId = text(r.keyId) ?? '';
      const model = text(r.model, MAX_TEXT) ?? '';
      const accountId = text(r.accountId) ?? '';
      const id = `${start}\0${keyId}\0${model}\0${accountId}`;
      g = groups.get(id);
      if (g === undefined) {
        g = [start, keyId, model, accountId, ...zeros];
        groups.set(id, g);
      }
    }
    previous = r;
    const sums = g! as unknown as number[];
    sums[REQUESTS]!++;
    if (r.status >= 400) sums[ERRORS]!++;
    if (r.unpriced) sums[UNPRICED]!++;
    sums[INPUT]! += int(r.inputTokens);
    sums[CACHED]! += int(r.cachedInputTokens);
    sums[OUTPUT]! += int(r.outputTokens);
    sums[REASONING]! += int(r.reasoningTokens);
    sums[COST]! += int(r.cost);
    sums[LATENCY_0 + bucketOf(r.latencyMs)]!++;
    if (r.ttftMs != null) {
      sums[TTFT_COUNT]!++;
      sums[TTFT_0 + bucketOf(r.ttftMs)]!++;
    }
  }
  return [...groups.values()].sort(byPrimaryKey);
}

const zeros: number[] = sumColumns.map(() => 0);

function byPrimaryKey(a: RollupValues, b: RollupValues): number {
  return a[0] - b[0] || compare(a[1], b[1]) || compare(a[2], b[2]) || compare(a[3], b[3]);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
