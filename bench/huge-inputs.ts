/**
 * How long one huge request holds Lingua's event loop (issue 10, item 6):
 * a real server in this process, a fake OpenAI upstream in another, one
 * request at a time; the longest event-loop stall while it is served
 * (perf_hooks' `monitorEventLoopDelay`) and the CPU time this process
 * spent on it (GC threads included: steadier than the stall on a busy
 * machine), the fewest of three runs, its status, and beside it how long
 * a bare `JSON.parse` of the same body takes (the listener's share, the
 * same for any body of that size). A measurement to read, not a test:
 *
 *   npx tsc -p . && node --expose-gc dist/bench/huge-inputs.js [only the cases whose name has this]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { completion, FakeOpenAI, streamReply, type FakeReply } from '../test/support/fake-openai.js';
import { startLingua } from '../test/support/lingua.js';

const KEY = 'sk-bench-0123456789';
const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
const big = (mb: number) => 'x'.repeat(mb * 1024 * 1024);
const hi = [{ role: 'user', content: 'hi' }];

const chat = (extra: Record<string, unknown>) => ({ model: 'm1', messages: hi, ...extra });
const messages = (extra: Record<string, unknown>) => ({ model: 'm1', max_tokens: 64, messages: hi, ...extra });

/** Bodies are built one at a time, so that the garbage of one does not land in another's figure. */
/** `long`: the upstream answers 64 KB of text (in 64-character deltas when streaming) rather than a sentence. */
const cases: Array<[name: string, path: string, body: () => Record<string, unknown>, long?: boolean]> = [
  ['openai stop: 200,000 strings', '/v1/chat/completions', () => chat({ stop: many(200_000, (i) => `s${i}`) })],
  ['openai stop: one 5 MB string', '/v1/chat/completions', () => chat({ stop: big(5) })],
  ['openai stop: one 5 MB string, streamed', '/v1/chat/completions', () => chat({ stop: big(5), stream: true })],
  ['openai messages: 200,000 invalid', '/v1/chat/completions', () => ({ model: 'm1', messages: many(200_000, () => ({ role: 'user', content: 1 })) })],
  ['openai messages: 100,000 valid', '/v1/chat/completions', () => ({ model: 'm1', messages: many(100_000, () => ({ role: 'user', content: 'hello there' })) })],
  ['openai content parts: 200,000 invalid', '/v1/chat/completions', () => ({ model: 'm1', messages: [{ role: 'user', content: many(200_000, () => ({ type: 'text', text: 1 })) }] })],
  ['openai tools: 200,000', '/v1/chat/completions', () => chat({ tools: many(200_000, (i) => ({ type: 'function', function: { name: `f${i}` } })) })],
  ['openai logit_bias: 200,000 entries', '/v1/chat/completions', () => chat({ logit_bias: Object.fromEntries(many(200_000, (i) => [String(i), 1])) })],
  ['envelope stop: 200,000 strings', '/api/v1/chat/completions', () => chat({ stop: many(200_000, (i) => `s${i}`) })],
  ['anthropic stop_sequences: 200,000', '/v1/messages', () => messages({ stop_sequences: many(200_000, (i) => `s${i}`) })],
  ['anthropic stop_sequences: one 5 MB', '/v1/messages', () => messages({ stop_sequences: [big(5)] })],
  ['anthropic stop_sequences: one 5 MB, streamed', '/v1/messages', () => messages({ stop_sequences: [big(5)], stream: true })],
  ['anthropic blocks: 200,000 invalid', '/v1/messages', () => messages({ messages: [{ role: 'user', content: many(200_000, () => ({ type: 'text', text: 1 })) }] })],
  ['anthropic blocks: 200,000 valid', '/v1/messages', () => messages({ messages: [{ role: 'user', content: many(200_000, () => ({ type: 'text', text: 'hello' })) }] })],
  ['anthropic messages: 100,000 valid, streamed', '/v1/messages', () => messages({ stream: true, messages: many(100_000, (i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'hello there' })) })],
  ['anthropic blocks: 20 messages of 9,999 invalid', '/v1/messages', () => messages({ messages: many(20, () => ({ role: 'user', content: many(9_999, () => ({ type: 'text', text: 1 })) })) })],
  ['anthropic stop_sequences: 64 of 1,024, 64 KB answer, streamed', '/v1/messages', () => messages({ stream: true, stop_sequences: many(64, (i) => `${'ab'.repeat(511)}${String(i).padStart(3, '0')}`.slice(0, 1_024)) }), true],
  ['anthropic stop_sequences: 64 of 1,024, 64 KB answer', '/v1/messages', () => messages({ stop_sequences: many(64, (i) => `${'ab'.repeat(511)}${String(i).padStart(3, '0')}`.slice(0, 1_024)) }), true],
  ['anthropic tools: 200,000', '/v1/messages', () => messages({ tools: many(200_000, (i) => ({ name: `f${i}`, input_schema: { type: 'object' } })) })],
  ['anthropic text: one 15 MB block, streamed', '/v1/messages', () => messages({ stream: true, messages: [{ role: 'user', content: big(15) }] })],
  ['count_tokens blocks: 200,000 valid', '/v1/messages/count_tokens', () => ({ model: 'm1', messages: [{ role: 'user', content: many(200_000, () => ({ type: 'text', text: 'hello' })) }] })],
  ['count_tokens text: one 15 MB block', '/v1/messages/count_tokens', () => ({ model: 'm1', messages: [{ role: 'user', content: big(15) }] })],
];

function post(url: string, path: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${KEY}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const shortReply: FakeReply = { choices: [{ text: 'Hello from the fake upstream, in a few words.' }], usage: { prompt_tokens: 7, completion_tokens: 9 } };
const longReply: FakeReply = { choices: [{ text: 'ab'.repeat(32 * 1024) }], usage: { prompt_tokens: 7, completion_tokens: 9 }, chunkSize: 64 };

if (process.argv[2] === '--upstream') {
  // The fake upstream runs in its own process: its work is not Lingua's stall.
  const upstream = new FakeOpenAI();
  upstream.handler = (req, res) => {
    const reply = req.body.model === 'long-reply' ? longReply : shortReply;
    if (req.body.stream === true) return streamReply(reply, req, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(reply, req)));
  };
  process.stdout.write(`${await upstream.start()}\n`);
} else {
  await measure(process.argv[2]);
}

async function measure(only: string | undefined): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--upstream'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout.setEncoding('utf8'), 'data') as [string];
  const server = await startLingua({
    server: { body_limit_mb: 20 },
    keys: [{ name: 'bench', key: KEY }],
    providers: [{ name: 'up', type: 'openai', base_url: line.trim() }],
    models: [{ name: 'm1', provider: 'up', model: 'up-model' }, { name: 'm2', provider: 'up', model: 'long-reply' }],
  });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  for (const [name, path, makeBody, long] of cases.filter(([name]) => only === undefined || name.includes(only))) {
    const body = makeBody();
    if (long === true) body.model = 'm2';
    const bytes = Buffer.from(JSON.stringify(body));
    const stalls: number[] = [];
    const cpus: number[] = [];
    const parses: number[] = [];
    let res = { status: 0, text: '' };
    // The fewest milliseconds of three runs: a busy machine only ever adds to a figure.
    for (let run = 0; run < 3; run++) {
      (globalThis as { gc?: () => void }).gc?.();
      const t = performance.now();
      JSON.parse(bytes.toString());
      parses.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
      histogram.reset();
      const cpu = process.cpuUsage();
      res = await post(server.url, path, bytes);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
      stalls.push(histogram.max / 1e6);
    }
    const error = res.status >= 400 ? ` ${res.text.slice(0, 100)}` : '';
    const ms = (values: number[]) => Math.min(...values).toFixed(0).padStart(5);
    process.stdout.write(`${name.padEnd(60)} ${(bytes.length / 1e6).toFixed(1).padStart(5)} MB  ${String(res.status).padEnd(4)} stall ${ms(stalls)} ms  cpu ${ms(cpus)} ms  (JSON.parse alone ${ms(parses)} ms)${error}\n`);
  }
  histogram.disable();
  await server.close();
  child.kill();
}
