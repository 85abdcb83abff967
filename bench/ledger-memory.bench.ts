/**
 * Ledger memory (issue 11 §8): Lingua with the usage ledger on, under a
 * steady load of 100,000 non-streaming calls against the nginx upstream,
 * its resident memory (VmRSS from /proc) sampled every 10,000 calls after a
 * warm-up: writing the ledger must not grow memory. On SQLite, and on
 * PostgreSQL + Redis when both answer (else skipped with a notice), beside
 * Lingua with the platform off under the same load: V8 lets garbage that
 * survived a scavenge pile up in the old generation until a major GC, which
 * at this rate may not come within 100,000 calls, so any Node server's RSS
 * rises for a while; what the ledger adds is the difference. The key
 * has a budget but no rpm or tpm here: their sliding-window logs hold one
 * entry per request of the last minute by design (docs/limits.md), which
 * would blur the figure of the ledger alone (`--rate-limits` keeps them).
 * At the end, the records in the database are counted against the calls
 * answered: none may be missing.
 *
 *   npm run build && node dist/bench/ledger-memory.bench.js [--quick] [--requests N] [--rate-limits]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createLogger } from '../src/lib/logger.js';
import { openStorage } from '../src/storage/index.js';
import { debianTool } from './support/debian-tool.js';
import { completionRequest } from './support/fixtures.js';
import { repoRoot, startLingua, type LinguaTarget } from './support/gateways.js';
import { startNginxUpstream } from './support/nginx-upstream.js';
import { postgresRedisSkip, type PlatformKind } from './support/platform.js';
import { cores, freePort, pinProcess, type ServerProcess } from './support/pinned-process.js';
import { processRssKb } from './support/proc-stat.js';
import { steadyLoad } from './support/steady-load.js';
import { fixed, table, whole } from './support/table.js';

const log = (line = ''): void => { process.stdout.write(`${line}\n`); };

const { values } = parseArgs({
  args: process.argv.slice(2), strict: false,
  options: { quick: { type: 'boolean' }, profile: { type: 'boolean' }, requests: { type: 'string' }, 'rate-limits': { type: 'boolean' } },
});
if (values.profile === true) {
  log('ledger memory bench: nothing to do under --profile');
  process.exit(0);
}
const quick = values.quick === true;
const requests = Number(values.requests) >= 1 ? Math.round(Number(values.requests)) : quick ? 20_000 : 100_000;
const warmup = quick ? 5000 : 10_000;
const sampleEvery = requests / 10;
const connections = 50;
const rateLimits = values['rate-limits'] === true;

const nginx = debianTool('nginx', 'nginx', log);
if (nginx === undefined) {
  log('ledger memory bench SKIPPED: it needs nginx (the fake upstream) from Debian\'s packages.');
  process.exit(0);
}

interface Sample { calls: number; rssMb: number }
interface Run { platform: PlatformKind; samples: Sample[]; peakMb: number; calls: number; answered: number; failed: number; records: number; seconds: number }

const children: ServerProcess[] = [];
const linguas: LinguaTarget[] = [];
const tmp = mkdtempSync(join(os.tmpdir(), 'lingua-ledger-mem-'));
const mb = (kb: number) => kb / 1024;

async function recordsIn(lingua: LinguaTarget): Promise<number> {
  const { dataDir, databaseUrl } = lingua.platform;
  const storage = await openStorage({ dataDir, logger: createLogger('warn'), ...(databaseUrl === undefined ? {} : { databaseUrl }) });
  try {
    const { rows } = await sql<{ n: number }>`select count(*) as n from usage_records`.execute(storage.db);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await storage.close();
  }
}

async function measure(platform: PlatformKind, upstreamOrigin: string): Promise<Run> {
  const lingua = await startLingua({ dir: tmp, port: await freePort(), upstreamOrigin, cores: cores.gateway, platform, rateLimits });
  children.push(lingua.process);
  linguas.push(lingua);
  const pid = lingua.process.child.pid!;
  const load = steadyLoad(lingua.completionUrl, completionRequest, connections, lingua.headers);
  await load.reach(warmup);
  const from = load.completed;
  const started = performance.now();
  const samples: Sample[] = [{ calls: 0, rssMb: mb(processRssKb(pid).rss) }];
  for (let n = sampleEvery; n <= requests; n += sampleEvery) {
    await load.reach(from + n);
    samples.push({ calls: n, rssMb: mb(processRssKb(pid).rss) });
  }
  const seconds = (performance.now() - started) / 1000;
  await load.stop();
  const peakMb = mb(processRssKb(pid).peak);
  // Stopping flushes the ledger: every answered call must then be in the database.
  await lingua.process.stop(60_000);
  const records = platform === 'off' ? 0 : await recordsIn(lingua);
  return { platform, samples, peakMb, calls: load.completed, answered: load.completed - from - load.failed, failed: load.failed, records, seconds };
}

try {
  pinProcess(process.pid, cores.load);
  const nginxPort = await freePort();
  const upstream = await startNginxUpstream(nginx, join(tmp, 'nginx'), nginxPort, cores.upstream);
  children.push(upstream);
  const upstreamOrigin = `http://127.0.0.1:${nginxPort}`;
  const platforms: PlatformKind[] = ['off', 'sqlite'];
  const skip = await postgresRedisSkip();
  if (skip === false) platforms.push('postgres');
  else log(`NOTICE: the ledger on PostgreSQL not measured: ${skip}`);
  log(`Ledger memory bench: ${process.version}; Lingua with the platform off, and with the ledger on (${rateLimits ? 'a key with rpm, tpm and a budget' : 'a key with a budget, no rpm or tpm'}) on core ${cores.gateway}; `
    + `${whole(warmup)} calls to warm up, then ${whole(requests)}, ${connections} at a time, RSS every ${whole(sampleEvery)}`);
  const runs: Run[] = [];
  for (const platform of platforms) {
    const run = await measure(platform, upstreamOrigin);
    runs.push(run);
    const first = run.samples[0]!.rssMb;
    const last = run.samples.at(-1)!.rssMb;
    log(`  ${platform.padEnd(8)} RSS ${run.samples.map((s) => fixed(s.rssMb, 1)).join(' → ')} MB  (${whole(run.answered / run.seconds)} calls/s)`);
    log(`  ${platform.padEnd(8)} start ${fixed(first, 1)} MB, end ${fixed(last, 1)} MB (${last >= first ? '+' : ''}${fixed(last - first, 1)} MB), peak ${fixed(run.peakMb, 1)} MB`
      + (platform === 'off' ? '' : `; ${whole(run.records)} usage records for ${whole(run.calls)} calls and the readiness probe${run.records < run.calls ? ', RECORDS MISSING' : ''}`)
      + (run.failed > 0 ? `, ${whole(run.failed)} FAILED` : ''));
    if (run.failed > 0 || (platform !== 'off' && run.records < run.calls)) process.exitCode = 1;
  }
  const change = (r: Run) => r.samples.at(-1)!.rssMb - r.samples[0]!.rssMb;
  const off = runs.find((r) => r.platform === 'off')!;
  log();
  const labels: Record<PlatformKind, string> = { off: 'platform off (no ledger)', sqlite: 'ledger on: SQLite + memory', postgres: 'ledger on: PostgreSQL + Redis' };
  log(table(['target', 'RSS at start', 'RSS at end', 'change', 'against off', 'peak', 'calls/s', 'records'], runs.map((r) => {
    const first = r.samples[0]!.rssMb;
    const last = r.samples.at(-1)!.rssMb;
    return [
      labels[r.platform], `${fixed(first, 1)} MB`, `${fixed(last, 1)} MB`, `${change(r) >= 0 ? '+' : ''}${fixed(change(r), 1)} MB`,
      r === off ? '' : `${change(r) - change(off) >= 0 ? '+' : ''}${fixed(change(r) - change(off), 1)} MB`, `${fixed(r.peakMb, 1)} MB`, whole(r.answered / r.seconds), r === off ? '' : whole(r.records),
    ];
  })));
  log(`(RSS: VmRSS of the Lingua process after ${whole(warmup)} calls of warm-up and after ${whole(requests)} more; against off: the change minus platform off's;`);
  log(` records: rows in usage_records after shutdown, one per call, warm-up and the readiness probe included)`);
  const results = join(repoRoot, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'ledger-memory.json'), `${JSON.stringify({ date: new Date().toISOString(), node: process.version, warmup, requests, rateLimits, runs }, null, 2)}\n`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await Promise.all(linguas.map((l) => l.platform.cleanUp()));
  rmSync(tmp, { recursive: true, force: true });
}
