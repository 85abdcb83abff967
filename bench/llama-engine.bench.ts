/**
 * The local engine through Lingua's HTTP API versus node-llama-cpp called
 * directly, in the same run, on a generated random-weights model of ~36M
 * parameters: generated tokens/s and time to first token at 1 and 4
 * concurrent streams, and each process's RSS. Lingua runs as its own
 * process (`lingua serve`), as it would in use, so that the benchmark's
 * HTTP client does not share its event loop. Figures for Lingua are also
 * given as ratios to the direct baseline (target: tokens/s >= 95%): the
 * median of the paired ratios (each Lingua run against the direct run just
 * before it) and the ratio of the best runs. Also the event loop's CPU per
 * token on each side (the JavaScript between a token and the next decode).
 * Run: `npm run build && node dist/bench/llama-engine.bench.js`.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlamaChat, type LlamaContext } from 'node-llama-cpp';
import { chatWrapperFor, sharedLlama } from '../src/providers/llama-cpp/engine.js';
import { writeGguf } from '../src/providers/llama-cpp/gguf/gguf-writer.js';
import { parameterCount } from '../src/providers/llama-cpp/gguf/llama-gguf.js';
import { randomModel, type RandomModelOptions } from '../src/providers/llama-cpp/gguf/random-model.js';
import { median } from './support/stats.js';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 128);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const CONTEXT = 1024;
const shape: RandomModelOptions = { embedding: 512, layers: 8, feedForward: 1536, heads: 8, contextLength: CONTEXT, vocabSize: 8192, seed: 3 };
const prompt = 'Write a long story about a lighthouse keeper.';
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
/** Every run gets new prompts, so that neither side starts from a cached prefix. */
let run = 0;

interface Run { tokens: number; seconds: number; ttftMs: number; /** CPU of the engine process's main thread, in clock ticks. */ loopTicks: number }

/** node-llama-cpp directly: one LlamaChat per sequence, the way an application would use it. */
async function direct(context: LlamaContext, streams: number): Promise<Run> {
  const wrapper = chatWrapperFor(context.model);
  const ticks = await mainThreadTicks(process.pid);
  const started = performance.now();
  const firsts: number[] = [];
  let tokens = 0;
  run++;
  await Promise.all(Array.from({ length: streams }, async (_, i) => {
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
    let first = 0;
    await chat.generateResponse([{ type: 'user', text: `${run}.${i} ${prompt}` }, { type: 'model', response: [] }], {
      maxTokens: TOKENS, temperature: 1, seed: i, repeatPenalty: false,
      onTextChunk: () => { if (first === 0) first = performance.now() - started; },
    });
    tokens += sequence.tokenMeter.usedOutputTokens;
    firsts.push(first);
    chat.dispose();
    sequence.dispose();
  }));
  const seconds = (performance.now() - started) / 1000;
  return { tokens, seconds, ttftMs: mean(firsts), loopTicks: await mainThreadTicks(process.pid) - ticks };
}

/**
 * The same generations as streamed chat completions over HTTP. The client
 * is plain node:http reading raw bytes, so that it takes as little CPU as
 * possible from the server on a small machine.
 */
async function throughLingua(url: string, pid: number, streams: number): Promise<Run> {
  const ticks = await mainThreadTicks(pid);
  const started = performance.now();
  const firsts: number[] = [];
  let tokens = 0;
  run++;
  await Promise.all(Array.from({ length: streams }, (_, i) => new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({ model: 'bench', messages: [{ role: 'user', content: `${run}.${i} ${prompt}` }], max_tokens: TOKENS, temperature: 1, seed: i, stream: true, stream_options: { include_usage: true } });
    const req = request(`${url}/v1/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const parts: Buffer[] = [];
      let first = 0;
      res.on('data', (chunk: Buffer) => {
        // The first frame is the role (empty content); the first token is the first non-empty content.
        if (first === 0 && /"content":"[^"]/.test(chunk.toString())) first = performance.now() - started;
        parts.push(chunk);
      });
      res.on('end', () => {
        const usage = /"completion_tokens":(\d+)/.exec(Buffer.concat(parts).toString());
        if (res.statusCode !== 200 || usage === null) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(parts).toString().slice(0, 300)}`));
        tokens += Number(usage[1]);
        firsts.push(first);
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  })));
  const seconds = (performance.now() - started) / 1000;
  return { tokens, seconds, ttftMs: mean(firsts), loopTicks: await mainThreadTicks(pid) - ticks };
}

/** CPU time (user + system, clock ticks) of a process's main thread, from /proc. */
async function mainThreadTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const rate = (r: Run): number => r.tokens / r.seconds;
const mb = (bytes = process.memoryUsage().rss): string => `${(bytes / 1048576).toFixed(0)} MB`;

/** Resident memory of another process, from /proc. */
async function rssOf(pid: number): Promise<string> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? 'n/a' : mb(Number(kb) * 1024);
}

/** `lingua serve` on a free port; resolves with its URL once it listens. */
function startServer(configFile: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const cli = new URL('../src/cli.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, 'serve', '--config', configFile, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Lingua listening on (http\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, pid: child.pid!, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`lingua serve exited (${code}):\n${out}`)));
  });
}

const best = (runs: Run[]): Run => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * ROUNDS runs of each, alternating direct and Lingua so that both see the
 * same load from the rest of the machine; each pair gives one ratio.
 */
async function rounds(streams: number, context: LlamaContext, server: { url: string; pid: number }): Promise<{ d: Run[]; l: Run[] }> {
  const d: Run[] = [];
  const l: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    d.push(await direct(context, streams));
    l.push(await throughLingua(server.url, server.pid, streams));
  }
  return { d, l };
}

/** Event-loop CPU per generated token over all runs, in µs (clock ticks are 10 ms). */
const loopPerToken = (runs: Run[]): string => `${(runs.reduce((a, r) => a + r.loopTicks, 0) * 10_000 / runs.reduce((a, r) => a + r.tokens, 0)).toFixed(0)} µs`;

const dir = await mkdtemp(join(tmpdir(), 'lingua-bench-'));
try {
  const path = join(dir, 'bench.gguf');
  let t = performance.now();
  await writeGguf(path, randomModel(shape));
  const params = parameterCount(shape, shape.vocabSize);
  console.log(`llama-engine: generated a ${(params / 1e6).toFixed(1)}M-parameter random model (F32) in ${((performance.now() - t) / 1000).toFixed(1)} s; ${TOKENS} tokens per stream, ${THREADS} thread(s), ${ROUNDS} alternating runs of each`);
  const rssStart = mb();

  t = performance.now();
  const llama = await sharedLlama();
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: CONTEXT, sequences: 4, threads: THREADS });
  const configFile = join(dir, 'lingua.yaml');
  await writeFile(configFile, [
    'server: { log_level: warn }',
    `providers: [{ name: bench, type: llama-cpp, model: ${JSON.stringify(path)}, context_size: ${CONTEXT}, parallel: 4, threads: ${THREADS} }]`,
    'models: [{ name: bench, provider: bench }]',
  ].join('\n'));
  const server = await startServer(configFile);
  const url = server.url;
  console.log(`  ready in ${((performance.now() - t) / 1000).toFixed(1)} s; RSS: bench process ${rssStart} before the model, ${mb()} after; Lingua process ${await rssOf(server.pid)}`);

  for (const streams of [1, 4]) { // warm-up, not counted
    await direct(context, streams);
    await throughLingua(url, server.pid, streams);
  }
  const rows: string[] = [];
  for (const streams of [1, 4]) {
    const { d, l } = await rounds(streams, context, server);
    const ratios = l.map((r, i) => rate(r) / rate(d[i]!));
    const [bd, bl] = [best(d), best(l)];
    rows.push(
      `  ${streams} stream(s)  tok/s ratio: median of pairs ${pct(median(ratios))} (${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))}), best ${pct(rate(bl) / rate(bd))}`
      + ` | median tok/s direct ${median(d.map(rate)).toFixed(1)}, Lingua ${median(l.map(rate)).toFixed(1)}; best direct ${rate(bd).toFixed(1)}, Lingua ${rate(bl).toFixed(1)}`
      + ` | TTFT median direct ${median(d.map((r) => r.ttftMs)).toFixed(0)} ms, Lingua ${median(l.map((r) => r.ttftMs)).toFixed(0)} ms (${(median(l.map((r) => r.ttftMs)) / median(d.map((r) => r.ttftMs))).toFixed(2)}x)`
      + ` | event-loop CPU per token: direct ${loopPerToken(d)}, Lingua ${loopPerToken(l)}`,
      `    paired ratios: ${ratios.map(pct).join(' ')}`,
    );
  }
  for (const row of rows) console.log(row);
  console.log(`  RSS at the end: bench process (direct) ${mb()}, Lingua process ${await rssOf(server.pid)}`);
  server.stop();
  await context.dispose();
  await model.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}
