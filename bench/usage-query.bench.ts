/**
 * The usage ledger at a million records, on SQLite: seeds 1,000,000 usage
 * records (30 days, 20 keys in 4 accounts, 5 models) through the real
 * write path (LedgerWriter: multi-row inserts and rollup upserts, one
 * transaction per batch) into a fresh file, then times the queries the
 * admin API makes — `summary` grouped by day and by key over the whole
 * range (target: ≤ 200 ms), by model, a page of the latest records, a
 * key's page, a month's spend — as the median of several runs. Also the
 * seeding rate, the file's size per record, split by table and index,
 * and memory under sustained load: records handed over at a steady rate
 * for a while, committed by the writer's own timer as in a server, with
 * the heap (after GC) and RSS sampled every second.
 * Run: `npm run build && node dist/bench/usage-query.bench.js [--quick]`
 * (`--quick`: 100,000 records).
 */
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Logger } from '../src/lib/logger.js';
import { openStorage, SQLITE_FILE, type Storage, type UsageRecord } from '../src/storage/index.js';
import { median } from './support/stats.js';
import { fixed, table, whole } from './support/table.js';

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { quick: { type: 'boolean' }, records: { type: 'string' } } });
const quick = values.quick === true;
const RECORDS = Number(values.records) >= 1 ? Math.round(Number(values.records)) : quick ? 100_000 : 1_000_000;
const RUNS = quick ? 5 : 9;
const DAYS = 30;
const KEYS = Array.from({ length: 20 }, (_, i) => `benchkey${String(i).padStart(4, '0')}`);
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'claude-haiku', 'local-llama'];
const TARGET_MS = 200;
const HOUR = 3_600_000;
const MB = 1024 * 1024;
/** Sustained load: records per second and seconds. */
const STEADY_RATE = 5000;
const STEADY_SECONDS = quick ? 3 : 15;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A deterministic pseudo-random stream, so that every run seeds the same data. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible record: its key, model, tokens, latency and outcome drawn from `random`. */
function benchRecord(random: () => number, i: number, ts: number): UsageRecord {
    const k = Math.floor(random() * KEYS.length);
    const m = Math.floor(random() * MODELS.length);
    const failed = random() < 0.02;
    const stream = random() < 0.7;
    const latencyMs = Math.round(50 * Math.exp(random() * 5));
    const input = Math.floor(random() * 4000);
    const output = failed ? 0 : Math.floor(random() * 800);
    return {
      requestId: `req_bench${i}`,
      ts,
      accountId: `acct_bench${k % 4}`,
      keyId: KEYS[k]!,
      model: MODELS[m]!,
      provider: m < 2 ? 'openai' : m < 4 ? 'anthropic' : 'llama-cpp',
      upstreamModel: MODELS[m]!,
      protocol: m < 2 ? 'openai' : 'anthropic',
      endpoint: m < 2 ? '/v1/chat/completions' : '/v1/messages',
      stream,
      status: failed ? 502 : 200,
      errorKind: failed ? 'upstream' : null,
      inputTokens: input,
      cachedInputTokens: Math.floor(input * random() * 0.5),
      outputTokens: output,
      reasoningTokens: m === 2 ? Math.floor(output / 3) : 0,
      cost: m === 4 ? 0 : input * 2500 + output * 10_000,
      unpriced: m === 4,
      latencyMs,
      ttftMs: stream ? Math.round(latencyMs * 0.2) : null,
      attempts: 1,
    };
}

/** Seeds RECORDS records over DAYS days, 5000 at a time; seconds taken. */
async function seed(s: Storage, start: number): Promise<number> {
  const random = mulberry32(42);
  const span = DAYS * 24 * HOUR;
  const began = performance.now();
  for (let i = 0; i < RECORDS; i++) {
    s.ledger.record(benchRecord(random, i, start + Math.floor((i / RECORDS) * span)));
    if (i % 5000 === 4999) await s.ledger.flush();
  }
  await s.ledger.flush();
  return (performance.now() - began) / 1000;
}

interface Sample { heap: number; rss: number; queued: number }

/** STEADY_RATE records a second for STEADY_SECONDS, handed over every 10 ms; memory sampled each second. */
async function steady(s: Storage, start: number): Promise<Sample[]> {
  const random = mulberry32(7);
  const samples: Sample[] = [];
  const sample = () => {
    gc();
    const m = process.memoryUsage();
    samples.push({ heap: m.heapUsed, rss: m.rss, queued: s.ledger.stats().queued });
  };
  sample();
  let i = 0;
  let maxQueued = 0;
  const perTick = STEADY_RATE / 100;
  for (let tick = 1; tick <= STEADY_SECONDS * 100; tick++) {
    for (let k = 0; k < perTick; k++, i++) s.ledger.record(benchRecord(random, RECORDS + i, start + i));
    maxQueued = Math.max(maxQueued, s.ledger.stats().queued);
    if (tick % 100 === 0) sample();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await s.ledger.flush();
  samples.push({ ...samples.at(-1)!, queued: maxQueued });
  return samples;
}

async function time(runs: number, what: () => Promise<unknown>): Promise<{ median: number; best: number }> {
  await what(); // warm: statements compiled, pages in the cache
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await what();
    ms.push(performance.now() - t);
  }
  return { median: median(ms), best: Math.min(...ms) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lingua-usage-bench-'));
  const logger = pino({ level: 'warn' }, process.stderr) as unknown as Logger;
  const s = await openStorage({ dataDir: dir, logger });
  try {
    const start = Date.UTC(2030, 0, 1);
    const seedSeconds = await seed(s, start);
    const whole_ = { from: start, to: start + DAYS * 24 * HOUR };
    const count = async (table: 'usage_hourly' | 'usage_daily') => Number((await s.db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const [hourly, daily] = [await count('usage_hourly'), await count('usage_daily')];

    const queries: Array<[string, () => Promise<unknown>]> = [
      ['summary by day, 30 days', () => s.usage.summary({ ...whole_, groupBy: 'day' })],
      ['summary by key, 30 days', () => s.usage.summary({ ...whole_, groupBy: 'key' })],
      ['summary by model, 30 days', () => s.usage.summary({ ...whole_, groupBy: 'model' })],
      ['summary by hour, one key, 30 days', () => s.usage.summary({ ...whole_, keyId: KEYS[3]!, groupBy: 'hour' })],
      ['summary by key, 7 days between half days', () => s.usage.summary({ from: start + 2.5 * 24 * HOUR, to: start + 9.5 * 24 * HOUR, groupBy: 'key' })],
      ['spent, one account, 30 days', () => s.usage.spent({ accountId: 'acct_bench1' }, start)],
      ['requests: latest 50', () => s.usage.requests({ limit: 50 })],
      ['requests: one key, latest 50', () => s.usage.requests({ keyId: KEYS[7]!, limit: 50 })],
      ['requests: one key, one model, 50', () => s.usage.requests({ keyId: KEYS[7]!, model: MODELS[2]!, limit: 50 })],
    ];
    const timed: string[][] = [];
    const figures = new Map<string, number>();
    for (const [name, q] of queries) {
      const t = await time(RUNS, q);
      figures.set(name, t.median);
      timed.push([name, fixed(t.median, 1), fixed(t.best, 1)]);
    }

    const steadySamples = await steady(s, start + DAYS * 24 * HOUR);
    const maxQueued = steadySamples.pop()!.queued;

    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(s.db);
    const fileBytes = statSync(join(dir, SQLITE_FILE)).size;
    const stored = Number((await s.db.selectFrom('usage_records').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const parts = await sql<{ name: string; bytes: number }>`select name, sum(pgsize) as bytes from dbstat group by name order by bytes desc`.execute(s.db);

    const out: string[] = [];
    out.push(`usage ledger on SQLite: ${whole(RECORDS)} records over ${DAYS} days, ${KEYS.length} keys, ${MODELS.length} models → ${whole(hourly)} hourly and ${whole(daily)} daily rollup rows`);
    out.push(`seeding through LedgerWriter (flush every 5,000): ${fixed(seedSeconds, 1)} s, ${whole(RECORDS / seedSeconds)} records/s`);
    out.push('');
    out.push(table(['query (median of ' + RUNS + ')', 'ms', 'best ms'], timed));
    out.push('');
    out.push(`file: ${fixed(fileBytes / MB, 1)} MB for ${whole(stored)} records (the seeded ones and the sustained load's), ${fixed(fileBytes / stored, 0)} bytes per record`);
    out.push(table(['table / index', 'MB', 'bytes/record'], parts.rows.slice(0, 10).map((p) => [p.name, fixed(p.bytes / MB, 1), fixed(p.bytes / stored, 1)])));
    const [first, last] = [steadySamples[0]!, steadySamples.at(-1)!];
    out.push('');
    out.push(`sustained load: ${whole(STEADY_RATE)} records/s for ${STEADY_SECONDS} s through the writer's timer; at most ${whole(maxQueued)} queued`);
    out.push(`  heap after GC ${fixed(first.heap / MB, 1)} → ${fixed(last.heap / MB, 1)} MB, RSS ${fixed(first.rss / MB, 0)} → ${fixed(last.rss / MB, 0)} MB` +
      ` (per second: ${steadySamples.map((x) => fixed(x.heap / MB, 1)).join(' ')})`);
    const worst = Math.max(figures.get(queries[0]![0])!, figures.get(queries[1]![0])!);
    out.push('');
    out.push(`summary by day / by key: ${fixed(worst, 1)} ms at most, target ≤ ${TARGET_MS} ms: ${worst <= TARGET_MS ? 'met' : 'NOT met'}`);
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await s.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
