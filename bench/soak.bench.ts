/**
 * Soak (issue 12 item 11): a long run of mixed requests through `lingua
 * serve` (its own process, JSON logs on a pipe) with upstream faults and
 * clients hanging up at random moments, on the OpenAI upstream path and on
 * the local engine; then checks that nothing is left behind. Figures, not
 * timed assertions: RSS at the start and the end, upstream sockets and
 * calls, busy and queued engine sequences, requests in flight, and the
 * requests without a log line (must be 0). Exits non-zero if a check fails.
 *
 *   npm run bench [-- --quick]        # every bench; --quick: 5,000 + 1,000 requests
 *   node dist/bench/soak.bench.js [--requests N] [--engine-requests N] [--seed N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeGguf } from '../src/providers/llama-cpp/gguf/gguf-writer.js';
import { mulberry32 } from '../src/providers/llama-cpp/gguf/random-model.js';
import { scriptedModel } from '../src/providers/llama-cpp/gguf/scripted-model.js';
import { parsePrometheusText, sampleSum, type Sample } from '../test/support/prometheus-text.js';
import { repoRoot } from './support/gateways.js';
import { freePort } from './support/pinned-process.js';
import { soakCall, type ClientAbort, type SlowReader, type SoakCall } from './support/soak-client.js';
import { SoakUpstream, upstreamFaults, type UpstreamBehaviour } from './support/soak-upstream.js';
import { table, whole } from './support/table.js';

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { quick: { type: 'boolean' }, requests: { type: 'string' }, 'engine-requests': { type: 'string' }, seed: { type: 'string' } } });
const quick = values.quick === true;
const count = (v: unknown, fallback: number) => (typeof v === 'string' && Number(v) >= 1 ? Math.round(Number(v)) : fallback);
const upstreamRequests = count(values.requests, quick ? 5_000 : 50_000);
const engineRequests = count(values['engine-requests'], quick ? 1_000 : 50_000);
const random = mulberry32(count(values.seed, 12));
const log = (line = ''): void => { process.stdout.write(`${line}\n`); };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Lingua's process, with the request ids of its `request` log lines. */
class LinguaProcess {
  readonly logged = new Map<string, number>();
  /** The status each request id was logged with. */
  readonly status = new Map<string, number>();
  readonly child: ChildProcess;
  #rest = '';
  readonly banner: Promise<string>;

  constructor(config: string, dataDir: string) {
    this.child = spawn(process.execPath, [join(repoRoot, 'dist/src/cli.js'), 'serve', '--config', config], { env: { ...process.env, LINGUA_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
    this.banner = new Promise((resolve, reject) => {
      this.child.stdout!.on('data', (d: Buffer) => {
        const text = this.#rest + d.toString();
        const lines = text.split('\n');
        this.#rest = lines.pop()!;
        for (const l of lines) {
          const url = /^Lingua listening on (http:\/\/\S+)$/.exec(l)?.[1];
          if (url !== undefined) resolve(url);
          if (!l.startsWith('{')) continue;
          const line = JSON.parse(l) as { msg?: string; reqId?: string; status?: number };
          if (line.msg === 'request' && line.reqId !== undefined) {
            this.logged.set(line.reqId, (this.logged.get(line.reqId) ?? 0) + 1);
            if (line.status !== undefined) this.status.set(line.reqId, line.status);
          }
        }
      });
      this.child.once('exit', (code) => reject(new Error(`lingua exited (${code}) before listening`)));
    });
  }

  rssMb(): number {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

interface Phase {
  label: string;
  /** Put before each request's number in its id. */
  ids: string;
  model: string;
  requests: number;
  concurrency: number;
  /** The 10% of requests that fail at the backend: an upstream fault, or, on the local engine, a request it refuses. */
  fault: () => { content: string; maxTokens?: number };
  /** Share of requests from slow readers (after the 20% of faults and clients leaving). */
  slowShare: number;
}

/** One request of the mix: the endpoint, streaming or not, and maybe a client that leaves. */
function plan(n: number, phase: Phase): SoakCall {
  const roll = random();
  let content = `soak request ${n}: say something`;
  let maxTokens = 64;
  let abort: ClientAbort | undefined;
  let abortAt: number | undefined;
  let slow: SlowReader | undefined;
  if (roll < 0.1) ({ content, maxTokens = 64 } = phase.fault());
  else if (roll < 0.2) {
    abort = pick(['mid_body', 'waiting', 'mid_stream'] as const);
    abortAt = abort === 'waiting' ? 1 + Math.floor(random() * 30) : 1 + Math.floor(random() * 4);
    if (abort === 'waiting' && phase.model === 'gpt') content += ' soak:slow';
  } else if (roll < 0.2 + phase.slowShare) {
    slow = pick(['slow_read', 'stop_reading'] as const);
    if (phase.model === 'gpt') content += ' soak:long';
  }
  const stream = abort === 'mid_stream' || slow !== undefined || random() < 0.5;
  const anthropic = random() < 0.3;
  const messages = [{ role: 'user', content }];
  return {
    id: `${phase.ids}-${n}`,
    path: anthropic ? '/v1/messages' : '/v1/chat/completions',
    body: JSON.stringify(anthropic ? { model: phase.model, max_tokens: maxTokens, messages, stream } : { model: phase.model, max_tokens: maxTokens, messages, stream }),
    ...(abort === undefined ? {} : { abort, abortAt }),
    ...(slow === undefined ? {} : { slow }),
  };
}

async function runPhase(origin: string, phase: Phase): Promise<{ ids: string[]; slowIds: string[]; statuses: Map<number, number>; aborted: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: phase.concurrency });
  const ids: string[] = [];
  const slowIds: string[] = [];
  const statuses = new Map<number, number>();
  let aborted = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: phase.concurrency }, async () => {
    while (next < phase.requests) {
      const call = plan(next++, phase);
      ids.push(call.id);
      if (call.slow !== undefined) slowIds.push(call.id);
      const r = await soakCall(origin, call, agent);
      if (r.aborted) aborted++;
      else statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  }));
  agent.destroy();
  return { ids, slowIds, statuses, aborted, seconds: (performance.now() - started) / 1000 };
}

async function scrape(metricsUrl: string): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(metricsUrl)).text()).samples;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lingua-soak-'));
  const upstream = new SoakUpstream();
  let lingua: LinguaProcess | undefined;
  try {
    const modelPath = join(dir, 'scripted.gguf');
    await writeGguf(modelPath, scriptedModel('A short scripted answer from our local engine, for this soak.'));
    const base = await upstream.start();
    const [port, metricsPort] = [await freePort(), await freePort()];
    const config = join(dir, 'lingua.yaml');
    await writeFile(config, [
      `server: { host: 127.0.0.1, port: ${port}, log_level: info, log_format: json, usage_ledger: false, stream_stall_s: 1, stream_max_unsent_mb: 1 }`,
      `metrics: { host: 127.0.0.1, port: ${metricsPort} }`,
      'providers:',
      `  - { name: up, type: openai, base_url: "${base}", timeout_s: 1, stream_idle_timeout_s: 1, max_connections: 96 }`,
      `  - { name: local, type: llama-cpp, model: "${modelPath}", context_size: 256, parallel: 2, threads: 1, max_queue: 64 }`,
      'models:',
      '  - { name: gpt, provider: up }',
      '  - { name: tiny, provider: local }',
      '',
    ].join('\n'));
    lingua = new LinguaProcess(config, join(dir, 'data'));
    const origin = await lingua.banner;
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const phases: Phase[] = [
      { label: 'OpenAI upstream', ids: 'soak-up', model: 'gpt', requests: upstreamRequests, concurrency: 64, slowShare: 0.02, fault: () => ({ content: `soak:${pick(upstreamFaults)}` }) },
      // The engine's backend failures: a request it refuses (more output than its context holds), or one whose prompt does not fit.
      { label: 'local engine', ids: 'soak-engine', model: 'tiny', requests: engineRequests, concurrency: 6, slowShare: 0.02, fault: () => (random() < 0.5 ? { content: 'too long', maxTokens: 10_000 } : { content: 'word '.repeat(400) }) },
    ];
    // Warm-up, then the baseline: RSS and sockets with the pools open.
    for (const p of phases) await runPhase(origin, { ...p, ids: `warm-up-${p.ids}`, requests: 200, slowShare: 0, fault: () => ({ content: 'warm-up' }) });
    await sleep(200);
    const baseline = { rss: lingua.rssMb(), upstreamSockets: upstream.openSockets, metrics: await scrape(metricsUrl) };

    const results = [];
    for (const p of phases) results.push({ phase: p, ...(await runPhase(origin, p)) });

    // Settled: nothing in flight, every log line written.
    let after = await scrape(metricsUrl);
    for (let i = 0; i < 100 && sampleSum(after, 'lingua_in_flight_requests') > 0; i++) { await sleep(50); after = await scrape(metricsUrl); }
    await sleep(500);
    const ids = results.flatMap((r) => r.ids);
    const missing = ids.filter((id) => !lingua!.logged.has(id));
    const twice = ids.filter((id) => (lingua!.logged.get(id) ?? 0) > 1);
    const end = { rss: lingua.rssMb(), upstreamSockets: upstream.openSockets, metrics: after };
    const g = (m: Sample[], name: string, labels: Record<string, string> = {}) => sampleSum(m, name, labels);

    log(`soak: ${whole(upstreamRequests)} requests on the OpenAI upstream path, ${whole(engineRequests)} on the local engine; 10% backend faults, 10% clients leaving (mid-body, waiting, mid-stream), 2% slow readers (stream_stall_s 1, stream_max_unsent_mb 1)`);
    log(table(['phase', 'requests', 's', 'req/s', 'client left', 'statuses seen by clients'], results.map((r) => [
      r.phase.label, whole(r.phase.requests), r.seconds.toFixed(1), whole(r.phase.requests / r.seconds), whole(r.aborted),
      [...r.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', '),
    ])));
    const rows: Array<[string, number, number]> = [
      ['RSS of lingua (MB)', baseline.rss, end.rss],
      ['upstream sockets open (seen by the upstream)', baseline.upstreamSockets, end.upstreamSockets],
      ['upstream calls being answered', 0, upstream.active],
      ['lingua_upstream_connections', g(baseline.metrics, 'lingua_upstream_connections'), g(end.metrics, 'lingua_upstream_connections')],
      ['lingua_upstream_running_requests + pending', g(baseline.metrics, 'lingua_upstream_running_requests') + g(baseline.metrics, 'lingua_upstream_pending_requests'), g(end.metrics, 'lingua_upstream_running_requests') + g(end.metrics, 'lingua_upstream_pending_requests')],
      ['lingua_engine_busy_sequences', g(baseline.metrics, 'lingua_engine_busy_sequences'), g(end.metrics, 'lingua_engine_busy_sequences')],
      ['lingua_engine_queue_depth', g(baseline.metrics, 'lingua_engine_queue_depth'), g(end.metrics, 'lingua_engine_queue_depth')],
      ['lingua_in_flight_requests', g(baseline.metrics, 'lingua_in_flight_requests'), g(end.metrics, 'lingua_in_flight_requests')],
    ];
    log(table(['slow readers (2%)', 'requests', 'statuses logged by lingua'], results.map((r) => {
      const byStatus = new Map<number, number>();
      for (const id of r.slowIds) { const st = lingua!.status.get(id) ?? 0; byStatus.set(st, (byStatus.get(st) ?? 0) + 1); }
      return [r.phase.label, whole(r.slowIds.length), [...byStatus].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${st}: ${n}`).join(', ')];
    })));
    log(table(['', 'start', 'end'], rows.map(([k, a, b]) => [k, k.startsWith('RSS') ? a.toFixed(1) : whole(a), k.startsWith('RSS') ? b.toFixed(1) : whole(b)])));
    log(`requests without a log line: ${missing.length}${missing.length > 0 ? ` (e.g. ${missing.slice(0, 5).join(', ')})` : ''}; with more than one: ${twice.length}`);
    log(`statuses logged by lingua: ${[...statusCounts(end.metrics)].sort((a, b) => a[0].localeCompare(b[0])).map(([s, n]) => `${s}: ${n}`).join(', ')}`);

    const failures = [
      ...(missing.length > 0 ? [`${missing.length} requests without a log line`] : []),
      ...(twice.length > 0 ? [`${twice.length} requests with more than one log line`] : []),
      ...(upstream.active > 0 ? [`${upstream.active} upstream calls still open`] : []),
      ...(end.upstreamSockets > Math.max(baseline.upstreamSockets, 96) ? [`${end.upstreamSockets} upstream sockets open (baseline ${baseline.upstreamSockets})`] : []),
      ...(g(end.metrics, 'lingua_upstream_running_requests') + g(end.metrics, 'lingua_upstream_pending_requests') > 0 ? ['upstream requests still running in the pool'] : []),
      ...(g(end.metrics, 'lingua_engine_busy_sequences') + g(end.metrics, 'lingua_engine_queue_depth') > 0 ? ['engine sequences still busy or queued'] : []),
      ...(g(end.metrics, 'lingua_in_flight_requests') > 0 ? ['requests still in flight'] : []),
    ];
    if (failures.length > 0) {
      log(`soak FAILED: ${failures.join('; ')}`);
      process.exitCode = 1;
    } else {
      log('soak passed: every request logged once, upstream sockets and engine sequences back to baseline');
    }
  } finally {
    await lingua?.stop();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Requests by status in lingua's own counter. */
function statusCounts(samples: Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (s.name === 'lingua_requests_total') out.set(s.labels.status!, (out.get(s.labels.status!) ?? 0) + s.value);
  return out;
}

await main();
