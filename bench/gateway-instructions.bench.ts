/**
 * The gateway bench's noise-free complement: machine instructions per
 * request, counted by valgrind's callgrind, for (b) the bare proxy, (b') the
 * JSON-rewriting proxy, (c) Lingua with the platform off (no key, no
 * limits, no ledger), and Lingua with the platform on (a database key with
 * rpm, tpm and a budget, the usage ledger) on SQLite + in-memory limits and
 * on PostgreSQL + Redis (skipped with a notice when either is down), each
 * serving the same fixed number of non-streaming calls against the same
 * nginx upstream.
 *
 * Time on this VM drifts by up to 2× within minutes (docs/benchmark.md);
 * an instruction count does not: the same build under the same load counts
 * the same within a few per cent, whatever else the machine is doing. It is
 * not time: a cache miss or a mispredicted branch costs cycles that no
 * instruction count shows, so this says how much work each gateway does,
 * and the timed bench says what that work costs here.
 *
 *   npm run build && node dist/bench/gateway-instructions.bench.js [--quick] [--rounds N] [--targets lingua,platform-sqlite] [--keep]
 *   node dist/bench/gateway-instructions.bench.js --quick --targets chat-tools,responses,chat-tools-stream,responses-stream
 *
 * `--keep` keeps each counted window's callgrind file in
 * bench/results/callgrind/ (read it with `callgrind_annotate --inclusive=yes`).
 *
 * Under valgrind a process runs 50–400× slower, but its clocks do not: what
 * it does by the clock (the ledger's commit every 50 ms, the key poll every
 * 500 ms, V8's timed GC work, any interval) would fall on 50–400× fewer
 * calls, and a commit would hold 1–2 records instead of hundreds. So each
 * target runs with its clocks slowed (libfaketime, Debian's `faketime`) by
 * `--clock-rate` (default 0.01, i.e. 100×; 1 turns it off), and the bench
 * prints the calls per second on the target's own clock, to compare with
 * the rate the timed bench sees.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { debianTool, toolVersion } from './support/debian-tool.js';
import { steadyLoad } from './support/steady-load.js';
import { chatToolRequest, chatToolStreamRequest, completionPath, completionRequest, responsesPath, responsesRequest, responsesStreamRequest } from './support/fixtures.js';
import { repoRoot, startBareProxy, startJsonProxy, startLingua, type Launch, type Target } from './support/gateways.js';
import { startNginxUpstream } from './support/nginx-upstream.js';
import { postgresRedisSkip, type PlatformKind } from './support/platform.js';
import { cores, freePort, pinProcess, type ServerProcess } from './support/pinned-process.js';
import { median } from './support/stats.js';
import { fixed, table, whole } from './support/table.js';

const log = (line = ''): void => { process.stdout.write(`${line}\n`); };

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { quick: { type: 'boolean' }, rounds: { type: 'string' }, profile: { type: 'boolean' }, targets: { type: 'string' }, keep: { type: 'boolean' }, 'clock-rate': { type: 'string' } } });
if (values.profile === true) {
  log('instruction bench: nothing to do under --profile');
  process.exit(0);
}
const quick = values.quick === true;
const rounds = Number(values.rounds) >= 1 ? Math.round(Number(values.rounds)) : quick ? 1 : 3;
/** Calls before counting: enough for the JIT to settle (fewer leave interpreter and tier-up work in the count). */
const warmup = quick ? 5000 : 10_000;
const counted = quick ? 2000 : 8000;
const connections = 50;
const { gateway: gatewayCore, load: loadCore, upstream: upstreamCore } = cores;

const nginx = debianTool('nginx', 'nginx', log);
const valgrind = debianTool('valgrind', 'valgrind', log);
const clockRate = Number(values['clock-rate']) > 0 && Number(values['clock-rate']) <= 1 ? Number(values['clock-rate']) : 0.01;
const faketime = clockRate === 1 ? undefined : libfaketime();
if (clockRate !== 1 && faketime === undefined) log('WARNING: without libfaketime the targets\' clocks run at full speed under valgrind: their clock-driven work is over-counted per call.');
/** The environment each target runs in: its clocks slowed (libfaketime, multi-threaded, preloaded into the process valgrind runs). */
const slowClock: NodeJS.ProcessEnv = faketime === undefined ? {} : { LD_PRELOAD: faketime, FAKETIME: `+0 x${clockRate}` };
const effectiveRate = faketime === undefined ? 1 : clockRate;

/** libfaketime's multi-threaded library (from Debian's `faketime`, installed as root when missing), or undefined. */
function libfaketime(): string | undefined {
  const find = () => ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib']
    .map((d) => join(d, 'faketime/libfaketimeMT.so.1')).find((f) => existsSync(f));
  return find() ?? (debianTool('faketime', 'faketime', log) === undefined ? undefined : find());
}
const control = valgrind === undefined ? undefined : join(valgrind, '../callgrind_control');
const annotate = valgrind === undefined ? undefined : join(valgrind, '../callgrind_annotate');
if (nginx === undefined || valgrind === undefined || control === undefined) {
  log('instruction bench SKIPPED: it needs nginx and valgrind from Debian\'s packages.');
  process.exit(0);
}

const allKeys = ['bare', 'json', 'lingua', 'platform-sqlite', 'platform-pg', 'chat-tools', 'chat-tools-stream', 'responses', 'responses-stream'] as const;
type Key = (typeof allKeys)[number];
const platformOf: Partial<Record<Key, PlatformKind>> = {
  lingua: 'off', 'platform-sqlite': 'sqlite', 'platform-pg': 'postgres',
  'chat-tools': 'off', 'chat-tools-stream': 'off', responses: 'off', 'responses-stream': 'off',
};
/**
 * What each Lingua target is sent, when not the small chat request: a
 * Codex-shaped Responses turn (input items with a function call and its
 * output, a function tool, store:false), whole and streamed, and the same
 * conversation as a chat request, on the same upstream answers.
 */
const loadOf: Partial<Record<Key, { path: string; body: string }>> = {
  'chat-tools': { path: completionPath, body: chatToolRequest },
  'chat-tools-stream': { path: completionPath, body: chatToolStreamRequest },
  responses: { path: responsesPath, body: responsesRequest },
  'responses-stream': { path: responsesPath, body: responsesStreamRequest },
};
const children: ServerProcess[] = [];
const tmp = mkdtempSync(join(os.tmpdir(), 'lingua-instr-'));
const keptDir = join(repoRoot, 'bench/results/callgrind');

/** The instructions (Ir, the first event of the `totals:` line) in a callgrind dump file. */
function instructions(file: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('totals:'));
  if (line === undefined) throw new Error(`no totals in ${file}`);
  return Number(line.split(/\s+/)[1]);
}

/**
 * The instructions of V8's optimizing compiler (its background compile
 * jobs) in a dump: work a process does until its JIT has settled, which
 * 10,000 calls do not always reach under valgrind, and which falls in some
 * windows and not others. Read with callgrind_annotate (inclusive cost).
 */
async function compilerInstructions(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)(annotate!, ['--inclusive=yes', '--threshold=100', file], { maxBuffer: 256 * 1024 * 1024 });
  const line = stdout.split('\n').find((l) => l.includes('OptimizingCompileDispatcher::CompileTask::RunInternal'));
  return line === undefined ? 0 : Number(line.trim().split(/\s+/)[0]!.replaceAll(',', ''));
}

/** A callgrind_control command, run without blocking this process (the load generator). */
async function callgrind(pid: number, command: string): Promise<void> {
  await promisify(execFile)(control!, [command, String(pid)]);
}

/**
 * One target started under callgrind (instrumentation off until warmed), its
 * count per call. The load never stops between warm-up and the end, and each
 * dump holds the costs since the one before: the counted calls are those
 * answered between a first dump (a few calls after instrumentation comes
 * on) and a second, so nothing the process does once, when counting starts
 * or when a load ends, is in the count.
 */
async function countOne(key: Key, upstreamOrigin: string, round: number): Promise<{ perCall: number; compilerPerCall: number; callsPerSecond: number }> {
  const out = join(tmp, `${key}-${round}.callgrind`);
  const launch: Launch = {
    env: slowClock,
    launcher: [valgrind!, '--tool=callgrind', '--smc-check=all', '--instr-atstart=no', `--callgrind-out-file=${out}`],
    readyTimeoutMs: 600_000,
  };
  const port = await freePort();
  const platform = platformOf[key];
  const lingua = platform === undefined ? undefined : await startLingua({ dir: tmp, port, upstreamOrigin, cores: gatewayCore, platform, ...launch });
  const target: Target = lingua ?? (key === 'bare' ? await startBareProxy(port, upstreamOrigin, gatewayCore, launch) : await startJsonProxy(port, upstreamOrigin, gatewayCore, launch));
  children.push(target.process);
  try {
    const pid = target.process.child.pid!;
    const sent = loadOf[key];
    const url = sent === undefined ? target.completionUrl : new URL(sent.path, target.completionUrl).href;
    const load = steadyLoad(url, sent?.body ?? completionRequest, connections, target.headers);
    await load.reach(warmup);
    await callgrind(pid, '--instr=on');
    await load.reach(load.completed + connections * 20);
    await callgrind(pid, '--dump=lead');
    const from = load.completed;
    const startedAt = performance.now();
    await load.reach(from + counted);
    await callgrind(pid, '--dump=counted');
    const calls = load.completed - from;
    const seconds = (performance.now() - startedAt) / 1000;
    await load.stop();
    const failed = load.failed;
    await callgrind(pid, '--instr=off');
    await target.process.stop(60_000);
    if (failed > 0) {
      log(`  ERRORS: ${failed} of ${target.label}'s answers were not 2xx`);
      process.exitCode = 1;
    }
    if (values.keep === true) {
      mkdirSync(keptDir, { recursive: true });
      copyFileSync(`${out}.2`, join(keptDir, `${key}-${round}.callgrind`));
    }
    return { perCall: instructions(`${out}.2`) / calls, compilerPerCall: (await compilerInstructions(`${out}.2`)) / calls, callsPerSecond: calls / seconds };
  } finally {
    await target.process.stop(60_000);
    await lingua?.platform.cleanUp();
  }
}

try {
  pinProcess(process.pid, loadCore);
  const nginxPort = await freePort();
  const upstream = await startNginxUpstream(nginx, join(tmp, 'nginx'), nginxPort, upstreamCore);
  children.push(upstream);
  const upstreamOrigin = `http://127.0.0.1:${nginxPort}`;
  log(`Instruction bench: ${process.version}, ${toolVersion([valgrind, '--version'])}; ${rounds} round(s); each target under callgrind on core ${gatewayCore}, `
    + `${whole(warmup)} calls to warm up, then ${whole(counted)} counted, ${connections} at a time (load on core ${loadCore}, nginx on core ${upstreamCore}); `
    + (effectiveRate === 1 ? 'clocks at full speed' : `the targets' clocks at ${effectiveRate} of real time`));
  let keys: Key[] = typeof values.targets === 'string' ? allKeys.filter((k) => (values.targets as string).split(',').includes(k)) : [...allKeys];
  if (keys.includes('platform-pg')) {
    const skip = await postgresRedisSkip();
    if (skip !== false) {
      log(`NOTICE: platform on PostgreSQL + Redis not counted: ${skip}`);
      keys = keys.filter((k) => k !== 'platform-pg');
    }
  }
  const perCall = new Map<Key, number[]>(keys.map((k) => [k, []]));
  const rates = new Map<Key, number[]>(keys.map((k) => [k, []]));
  /** Per call without V8's optimizing compiler. */
  const settled = new Map<Key, number[]>(keys.map((k) => [k, []]));
  for (let round = 1; round <= rounds; round++) {
    const shift = (round - 1) % keys.length;
    for (const key of [...keys.slice(shift), ...keys.slice(0, shift)]) {
      const n = await countOne(key, upstreamOrigin, round);
      perCall.get(key)!.push(n.perCall);
      rates.get(key)!.push(n.callsPerSecond);
      settled.get(key)!.push(n.perCall - n.compilerPerCall);
      log(`  round ${round} ${key.padEnd(15)} ${whole(n.perCall).padStart(9)} instructions per call, ${whole(n.compilerPerCall)} of them V8's optimizing compiler  `
        + `(${whole(n.callsPerSecond)} calls/s under valgrind${effectiveRate === 1 ? '' : `, ${whole(n.callsPerSecond / effectiveRate)} per second of its clock`})`);
    }
  }
  // Noise here only adds (a round whose window caught a major GC, which valgrind's
  // slowness makes more likely than at full speed): the fewest is the steady cost.
  const least = (k: Key) => Math.min(...perCall.get(k)!);
  const leastSettled = (k: Key) => Math.min(...settled.get(k)!);
  const med = (k: Key) => median(perCall.get(k)!);
  const labels: Record<Key, string> = {
    bare: '(b) bare node:http + undici proxy',
    json: '(b\') JSON-rewriting proxy',
    lingua: 'Lingua, platform off',
    'platform-sqlite': 'Lingua, platform on: SQLite + memory',
    'platform-pg': 'Lingua, platform on: PostgreSQL + Redis',
    'chat-tools': 'Lingua, chat with a tool call in history',
    'chat-tools-stream': 'Lingua, the same chat, streamed',
    responses: 'Lingua, Responses (Codex-shaped) from chat',
    'responses-stream': 'Lingua, the same Responses, streamed',
  };
  const against = (k: Key, base: Key) => (perCall.has(base) ? fixed(least(k) / least(base)) : '-');
  log();
  log(table(['target', 'instructions per call', 'against (b)', 'against (b\')', 'against platform off', 'median of rounds', 'without the compiler', 'against off'],
    keys.map((k) => [
      labels[k], whole(least(k)), against(k, 'bare'), against(k, 'json'), against(k, 'lingua'), whole(med(k)),
      whole(leastSettled(k)), settled.has('lingua') ? fixed(leastSettled(k) / leastSettled('lingua')) : '-',
    ])));
  log(`(fewest over rounds; user-space instructions of the target's process, all threads; the kernel's share of the sockets is not counted;`);
  log(` PostgreSQL's and Redis's own work is in their processes, not counted; without the compiler: less V8's background optimizing compiler)`);
  if (perCall.has('lingua') && perCall.has('bare')) {
    log(`Lingua does ${fixed(least('lingua') / least('bare'))}× the bare proxy's work per call: at equal cost per instruction its throughput would be ${fixed(least('bare') / least('lingua'))} of (b)'s.`);
  }
  const platformRatios: Record<string, number> = {};
  for (const k of ['platform-sqlite', 'platform-pg'] as const) {
    if (!perCall.has(k) || !perCall.has('lingua')) continue;
    const ratio = least(k) / least('lingua');
    const settledRatio = leastSettled(k) / leastSettled('lingua');
    platformRatios[k] = ratio;
    platformRatios[`${k} without the compiler`] = settledRatio;
    const target = k === 'platform-sqlite' ? `  (target <= 1.10: ${ratio <= 1.1 ? 'MET' : 'NOT MET'})` : '';
    log(`${labels[k]} against platform off: ${fixed(ratio)}× the instructions per call, +${whole(least(k) - least('lingua'))}${target}; `
      + `without the compiler ${fixed(settledRatio)}×, +${whole(leastSettled(k) - leastSettled('lingua'))}`);
  }
  const responsesRatios: Record<string, number> = {};
  for (const [k, base] of [['responses', 'chat-tools'], ['responses-stream', 'chat-tools-stream']] as const) {
    if (!perCall.has(k) || !perCall.has(base)) continue;
    const ratio = least(k) / least(base);
    responsesRatios[k] = ratio;
    log(`${labels[k]} against ${labels[base]}: ${fixed(ratio)}× the instructions per call, ${least(k) >= least(base) ? '+' : ''}${whole(least(k) - least(base))}`
      + `  (target <= 1.20: ${ratio <= 1.2 ? 'MET' : 'NOT MET'})`);
  }
  const results = join(repoRoot, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'instructions.json'), `${JSON.stringify({
    date: new Date().toISOString(), node: process.version, rounds, warmup, counted, connections, clockRate: effectiveRate,
    perCall: Object.fromEntries(perCall), withoutCompiler: Object.fromEntries(settled), callsPerSecond: Object.fromEntries(rates), platformRatios, responsesRatios,
  }, null, 2)}\n`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(tmp, { recursive: true, force: true });
}
