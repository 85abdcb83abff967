/**
 * Streams chat completions and measures, per request, the time to the first
 * body byte and to the end of the stream. Prints one JSON line:
 * `{ sequential: {ttfb, total}, concurrent: {ttfb, total, seconds} }` (ms).
 *
 *   node dist/bench/support/ttfb-client.js URL BODY SEQUENTIAL CONCURRENCY CONCURRENT_TOTAL
 *
 * `BENCH_AUTHORIZATION` in the environment, if set, is sent as the
 * `authorization` header (a caller key).
 */
import { Pool } from 'undici';
import { distribution } from './stats.js';

const [url, body, sequentialArg, concurrencyArg, concurrentTotalArg] = process.argv.slice(2);
if (url === undefined || body === undefined) {
  process.stderr.write('usage: ttfb-client URL BODY SEQUENTIAL CONCURRENCY CONCURRENT_TOTAL\n');
  process.exit(2);
}
const sequential = Number(sequentialArg ?? 200);
const concurrency = Number(concurrencyArg ?? 16);
const concurrentTotal = Number(concurrentTotalArg ?? 1000);

const target = new URL(url);
const headers: Record<string, string> = { 'content-type': 'application/json' };
if (process.env.BENCH_AUTHORIZATION) headers.authorization = process.env.BENCH_AUTHORIZATION;
const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });

interface Timing { ttfb: number; total: number }

async function once(): Promise<Timing> {
  const start = performance.now();
  const res = await pool.request({ method: 'POST', path: target.pathname, headers, body });
  let first = 0;
  let text = '';
  for await (const chunk of res.body) {
    if (first === 0) first = performance.now();
    text += (chunk as Buffer).toString();
  }
  const end = performance.now();
  if (res.statusCode !== 200 || !text.trimEnd().endsWith('data: [DONE]')) {
    throw new Error(`bad stream from ${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
  }
  return { ttfb: first - start, total: end - start };
}

async function runSequential(count: number): Promise<Timing[]> {
  const out: Timing[] = [];
  for (let i = 0; i < count; i++) out.push(await once());
  return out;
}

async function runConcurrent(total: number, width: number): Promise<{ timings: Timing[]; seconds: number }> {
  const timings: Timing[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < total) {
      next++;
      timings.push(await once());
    }
  }));
  return { timings, seconds: (performance.now() - started) / 1000 };
}

const summarise = (timings: Timing[]) => ({
  ttfb: distribution(timings.map((t) => t.ttfb)),
  total: distribution(timings.map((t) => t.total)),
});

await runConcurrent(Math.min(200, concurrentTotal), concurrency); // warm-up: JIT, pooled connections
const seq = await runSequential(sequential);
const conc = await runConcurrent(concurrentTotal, concurrency);
process.stdout.write(`${JSON.stringify({
  sequential: summarise(seq),
  concurrent: { ...summarise(conc.timings), concurrency, seconds: conc.seconds, rps: conc.timings.length / conc.seconds },
})}\n`);
await pool.close();
