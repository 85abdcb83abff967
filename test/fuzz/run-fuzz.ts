import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAnswer, type Answer, type FuzzEndpoint } from './check-answer.js';
import { caseSeed, Dice } from './dice.js';
import type { FuzzCase } from './mutate.js';
import { sendRaw } from './send-raw.js';

export interface FuzzRun {
  /** The server's base URL. */
  url: string;
  seed: number;
  endpoint: FuzzEndpoint;
  cases: number;
  concurrency: number;
  /** Models the server serves (a model's answer must name one). */
  models: readonly string[];
  /** Case `index` of this endpoint: the path it goes to and the request. */
  make(dice: Dice, index: number): { path: string; case: FuzzCase };
  /** Headers sent with every request (the key). */
  headers: Record<string, string>;
  /** Called every few cases (e.g. to forget what a fake upstream recorded). */
  between?(): void;
}

interface Failure {
  index: number;
  path: string;
  fuzzCase: FuzzCase;
  problem: string;
  file: string;
}

const IDLE_MS = 30_000;
const FAILURES_SHOWN = 5;

/**
 * Sends `cases` mutated requests to one endpoint, `concurrency` at a time,
 * and checks every answer (check-answer.ts). Each case is made from its own
 * seed (the run's seed, the endpoint, its number), so
 * `LINGUA_FUZZ_SEED=<seed> LINGUA_FUZZ_ONLY=<endpoint>#<n>` makes it alone
 * again. Fails once all are sent, naming the seed, the mutations and the
 * body of each failure; the bodies are written to files too.
 */
export async function runFuzz(run: FuzzRun): Promise<Record<number, number>> {
  const only = onlyCase(run.endpoint.name);
  const indices = only ?? Array.from({ length: run.cases }, (_, i) => i);
  const agent = new Agent({ keepAlive: true, maxSockets: run.concurrency });
  const origin = new URL(run.url);
  const failures: Failure[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < indices.length) {
      const index = indices[next++]!;
      if (index % 64 === 0) run.between?.();
      const { path, case: fuzzCase } = run.make(new Dice(caseSeed(run.seed, run.endpoint.name, index)), index);
      const send = (body: Buffer): Promise<Answer> => sendRaw(agent, origin, {
        method: run.endpoint.method, path, headers: { ...fuzzCase.headers, ...run.headers }, body, chunked: fuzzCase.chunked,
      }, IDLE_MS);
      try {
        const answer = await send(fuzzCase.body);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        checkAnswer(run.endpoint, answer, run.models);
        if (fuzzCase.expect !== undefined) checkExpected(fuzzCase.expect, answer);
        if (fuzzCase.withoutBom !== undefined) {
          const plain = await send(fuzzCase.withoutBom);
          assert.equal(answer.status, plain.status, `with a leading BOM ${answer.status}, without ${plain.status}: ${plain.body.toString().slice(0, 300)}`);
        }
      } catch (error) {
        failures.push({ index, path, fuzzCase, problem: error instanceof Error ? error.message : String(error), file: '' });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: run.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  if (failures.length === 0) return statuses;
  failures.sort((a, b) => a.index - b.index);
  const dir = join(tmpdir(), 'lingua-fuzz');
  mkdirSync(dir, { recursive: true });
  for (const f of failures.slice(0, FAILURES_SHOWN)) {
    f.file = join(dir, `${run.seed}-${run.endpoint.name}-${f.index}.body`);
    writeFileSync(f.file, f.fuzzCase.body);
  }
  assert.fail([
    `${failures.length} of ${indices.length} fuzzed requests to ${run.endpoint.method} ${run.endpoint.path} failed (LINGUA_FUZZ_SEED=${run.seed}); the first ${Math.min(failures.length, FAILURES_SHOWN)}:`,
    ...failures.slice(0, FAILURES_SHOWN).map((f) => describeFailure(run, f)),
  ].join('\n\n'));
}

/** What the mutation implies: a 400 saying why, or no refusal for that reason. */
function checkExpected(expect: NonNullable<FuzzCase['expect']>, answer: Answer): void {
  const text = answer.body.toString();
  if ('refused' in expect) {
    assert.equal(answer.status, 400, `expected a 400 matching ${expect.refused}: ${text.slice(0, 300)}`);
    assert.match(text, expect.refused);
  } else if (answer.status === 400) {
    assert.doesNotMatch(text, expect.notRefused);
  }
}

function describeFailure(run: FuzzRun, f: Failure): string {
  return [
    `- case ${f.index}: LINGUA_FUZZ_SEED=${run.seed} LINGUA_FUZZ_ONLY='${run.endpoint.name}#${f.index}'`,
    `  ${run.endpoint.method} ${f.path.length > 300 ? `${f.path.slice(0, 300)}… (${f.path.length} characters)` : f.path}`,
    `  mutations: ${f.fuzzCase.ops.join('; ') || 'none'}`,
    `  headers: ${JSON.stringify(f.fuzzCase.headers)}${f.fuzzCase.chunked ? ', chunked' : ''}`,
    `  body (${f.fuzzCase.body.length} bytes, in ${f.file}): ${showBody(f.fuzzCase.body)}`,
    `  problem: ${f.problem.split('\n').join('\n    ')}`,
  ].join('\n');
}

/** The body as JSON-escaped text (its bytes as latin1 when it is not UTF-8), long ones cut in the middle. */
export function showBody(body: Buffer): string {
  let text: string;
  let note = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    text = body.toString('latin1');
    note = 'not UTF-8, shown as latin1: ';
  }
  const shown = text.length > 1_500 ? `${text.slice(0, 1_000)}[… ${text.length - 1_300} characters …]${text.slice(-300)}` : text;
  return note + JSON.stringify(shown);
}

/** `LINGUA_FUZZ_ONLY=<endpoint>#<n>[,…]`: only these cases, for this endpoint (none for the others). */
function onlyCase(endpoint: string): number[] | undefined {
  const only = process.env.LINGUA_FUZZ_ONLY;
  if (only === undefined || only === '') return undefined;
  return only.split(',').flatMap((item) => {
    const [name, n] = item.split('#');
    return name === endpoint && n !== undefined ? [Number(n)] : [];
  });
}

/** Cases per endpoint: `LINGUA_FUZZ_CASES` scales the defaults (e.g. 10 for a long local run). */
export function caseCount(base: number): number {
  const scale = Number(process.env.LINGUA_FUZZ_CASES ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** This process's CPU seconds since `start` (the server's too, when it runs in this process). */
export function cpuSeconds(start: NodeJS.CpuUsage): string {
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / 1e6).toFixed(1);
}
