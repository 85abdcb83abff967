import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinned } from './pinned-process.js';

export interface WrkResult {
  /** Completed 2xx responses per second. */
  rps: number;
  requests: number;
  seconds: number;
  /** Socket errors, timeouts and non-2xx responses. */
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export interface WrkRun {
  wrk: string;
  url: string;
  body: string;
  connections: number;
  seconds: number;
  cores: string;
  /** Headers sent beside the content type (a caller key). */
  headers?: Record<string, string>;
  /** Folder for the Lua script. */
  dir: string;
}

/** wrk's `done` hook prints one JSON line that we read back. */
function script(body: string, headers: Record<string, string>): string {
  if (body.includes(']]')) throw new Error('request body cannot sit in a Lua long string');
  return `
wrk.method = "POST"
wrk.body = [[${body}]]
wrk.headers["Content-Type"] = "application/json"
${Object.entries(headers).map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`).join('\n')}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
`;
}

/** A fixed-concurrency, fixed-duration POST load (one wrk thread, pinned). */
export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const headers = run.headers ?? {};
  const file = join(run.dir, `wrk-${run.body.length}-${Object.keys(headers).length === 0 ? 'plain' : 'keyed'}-${process.hrtime.bigint()}.lua`);
  writeFileSync(file, script(run.body, headers));
  const argv = pinned(run.cores, [run.wrk, '-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--timeout', '10s', '-s', file, run.url]);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { text += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { text += d.toString(); });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}:\n${text}`))));
  });
  const line = output.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(line.slice('WRK_RESULT '.length)) as Record<string, number>;
  const seconds = r.duration_us! / 1e6;
  const ok = r.requests! - r.errors!;
  return {
    rps: ok / seconds,
    requests: r.requests!,
    seconds,
    errors: r.errors!,
    p50Ms: r.p50_us! / 1000,
    p90Ms: r.p90_us! / 1000,
    p99Ms: r.p99_us! / 1000,
    meanMs: r.mean_us! / 1000,
    maxMs: r.max_us! / 1000,
  };
}
