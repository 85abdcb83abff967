import { sql, type Insertable, type Kysely } from 'kysely';
import { bucketOf } from './latency-histogram.js';
import { bucketColumns, type Database, type UsageRecordsTable, type UsageRollupsTable } from './schema.js';
import type { UsageRecord } from './usage-record.js';

export const HOUR_MS = 3_600_000;

/** Bound parameters per statement: under SQLite's 32,766 (and PostgreSQL's 65,535). */
const MAX_PARAMS = 32_000;
/** Strings a caller chooses (the model asked for, `user`) are cut to this length so that no row grows unbounded. */
const MAX_TEXT = 256;

const latencyColumns = bucketColumns('lat_');
const ttftColumns = bucketColumns('ttft_');
const sumColumns = [
  'requests', 'errors', 'unpriced', 'input_tokens', 'cached_input_tokens', 'output_tokens', 'reasoning_tokens', 'cost', 'ttft_count',
  ...latencyColumns, ...ttftColumns,
] as const;
const ROLLUP_COLUMNS = 4 + sumColumns.length;
const ROLLUPS_PER_STATEMENT = Math.floor(MAX_PARAMS / ROLLUP_COLUMNS);

/**
 * Inserts usage records and adds them to their hourly rollups, in one
 * transaction: multi-row INSERTs for the records, then one upsert row per
 * hour × key × model × account (`ON CONFLICT … DO UPDATE SET x = x +
 * excluded.x`), in primary-key order so that two instances adding to the
 * same rollups at once lock them in the same order and cannot deadlock.
 */
export async function insertUsage(db: Kysely<Database>, records: readonly UsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map(recordRow);
  const rollups = rollupRows(rows);
  const recordsPerStatement = Math.floor(MAX_PARAMS / Object.keys(rows[0]!).length);
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += recordsPerStatement) {
      await trx.insertInto('usage_records').values(rows.slice(i, i + recordsPerStatement)).execute();
    }
    for (let i = 0; i < rollups.length; i += ROLLUPS_PER_STATEMENT) {
      await trx
        .insertInto('usage_rollups')
        .values(rollups.slice(i, i + ROLLUPS_PER_STATEMENT))
        .onConflict((oc) => oc.columns(['hour', 'key_id', 'model', 'account_id']).doUpdateSet(addExcluded))
        .execute();
    }
  });
}

const addExcluded = Object.fromEntries(
  sumColumns.map((c) => [c, sql<number>`${sql.ref(`usage_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`]),
) as Record<(typeof sumColumns)[number], ReturnType<typeof sql<number>>>;

/**
 * Why a record cannot be stored (a figure that is not a number in its
 * column's range, a string that is not one), or undefined when it can:
 * checked when a record is handed over, so that a bad record never reaches a batch.
 */
export function usageRecordProblem(r: UsageRecord): string | undefined {
  for (const f of requiredText) {
    if (typeof r[f] !== 'string' || r[f] === '') return `${f} must be a non-empty string`;
  }
  for (const f of optionalText) {
    if (r[f] != null && typeof r[f] !== 'string') return `${f} must be a string or null`;
  }
  for (const [f, max] of figures) {
    const v = r[f];
    if (v == null && f === 'ttftMs') continue;
    if (typeof v !== 'number' || !(v >= 0 && v < max)) return `${f} must be a number from 0 to ${max - 1}`;
  }
  return undefined;
}

const requiredText = ['requestId', 'protocol', 'endpoint'] as const;
const optionalText = ['accountId', 'keyId', 'model', 'provider', 'upstreamModel', 'errorKind', 'user'] as const;
/** Each figure and the bound of its column (PostgreSQL's smallint, integer, bigint within a JS number's exact range). */
const figures: ReadonlyArray<readonly [keyof UsageRecord & string, number]> = [
  ['ts', 2 ** 53], ['cost', 2 ** 53],
  ['inputTokens', 2 ** 31], ['cachedInputTokens', 2 ** 31], ['outputTokens', 2 ** 31], ['reasoningTokens', 2 ** 31],
  ['latencyMs', 2 ** 31], ['ttftMs', 2 ** 31],
  ['status', 2 ** 15], ['attempts', 2 ** 15],
];

/** Text as both databases store it: no NUL (PostgreSQL refuses it), at most MAX_TEXT characters for what a caller chooses. */
function text(s: string): string;
function text(s: string | null | undefined, max?: number): string | null;
function text(s: string | null | undefined, max = Infinity): string | null {
  if (s == null) return null;
  const clean = s.includes('\0') ? s.replaceAll('\0', '') : s;
  return clean.length > max ? clean.slice(0, max) : clean;
}

const int = Math.round;

function recordRow(r: UsageRecord): Insertable<UsageRecordsTable> {
  return {
    ts: int(r.ts),
    cost: int(r.cost),
    input_tokens: int(r.inputTokens),
    cached_input_tokens: int(r.cachedInputTokens),
    output_tokens: int(r.outputTokens),
    reasoning_tokens: int(r.reasoningTokens),
    latency_ms: int(r.latencyMs),
    ttft_ms: r.ttftMs == null ? null : int(r.ttftMs),
    status: int(r.status),
    attempts: int(r.attempts),
    stream: r.stream ? 1 : 0,
    estimated: r.estimated ? 1 : 0,
    unpriced: r.unpriced ? 1 : 0,
    request_id: text(r.requestId),
    account_id: text(r.accountId),
    key_id: text(r.keyId),
    model: text(r.model, MAX_TEXT),
    provider: text(r.provider),
    upstream_model: text(r.upstreamModel, MAX_TEXT),
    protocol: text(r.protocol),
    endpoint: text(r.endpoint),
    error_kind: text(r.errorKind),
    end_user: text(r.user, MAX_TEXT),
  };
}

type RollupRow = Insertable<UsageRollupsTable> & Record<string, number | string>;

function rollupRows(rows: ReadonlyArray<Insertable<UsageRecordsTable>>): RollupRow[] {
  const groups = new Map<string, RollupRow>();
  for (const r of rows) {
    const hour = r.ts - (r.ts % HOUR_MS);
    const keyId = r.key_id ?? '';
    const model = r.model ?? '';
    const accountId = r.account_id ?? '';
    const id = `${hour}\0${keyId}\0${model}\0${accountId}`;
    let g = groups.get(id);
    if (g === undefined) {
      g = emptyRollup(hour, keyId, model, accountId);
      groups.set(id, g);
    }
    g.requests++;
    if (r.status >= 400) g.errors++;
    g.unpriced += r.unpriced;
    g.input_tokens += r.input_tokens;
    g.cached_input_tokens += r.cached_input_tokens;
    g.output_tokens += r.output_tokens;
    g.reasoning_tokens += r.reasoning_tokens;
    g.cost += r.cost;
    (g[latencyColumns[bucketOf(r.latency_ms)]!] as number)++;
    if (r.ttft_ms != null) {
      g.ttft_count++;
      (g[ttftColumns[bucketOf(r.ttft_ms)]!] as number)++;
    }
  }
  return [...groups.values()].sort(byPrimaryKey);
}

function emptyRollup(hour: number, keyId: string, model: string, accountId: string): RollupRow {
  const row: Record<string, number | string> = { hour, key_id: keyId, model, account_id: accountId };
  for (const c of sumColumns) row[c] = 0;
  return row as RollupRow;
}

function byPrimaryKey(a: RollupRow, b: RollupRow): number {
  return a.hour - b.hour || compare(a.key_id, b.key_id) || compare(a.model, b.model) || compare(a.account_id, b.account_id);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
