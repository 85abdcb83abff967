import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { until } from '../support/until.js';
import { fuzzEndpoints, type FuzzEndpoint } from './check-answer.js';
import { caseMaker } from './fuzz-cases.js';
import { caseCount, cpuSeconds, runFuzz } from './run-fuzz.js';
import { FUZZ_KEY } from './serves.js';

export interface FuzzTestsOptions {
  seed: number;
  /** The server under fuzz, once started: its URL, and its in-flight count when it runs in this process. */
  target(): { url: string; inflight?: () => number };
  models: readonly string[];
  /** Cases per endpoint before LINGUA_FUZZ_CASES scales them. */
  cases(endpoint: FuzzEndpoint): number;
  /** The largest string or array a case makes, in bytes. */
  maxBytes: number;
  concurrency: number;
  between?(): void;
  /** Checks after each endpoint's run. */
  afterEach?(endpoint: FuzzEndpoint): void;
}

/** One test per fuzzed endpoint: its cases, the answers by status and the CPU they took as diagnostics, nothing left in flight. */
export function fuzzTests(options: FuzzTestsOptions): void {
  for (const endpoint of fuzzEndpoints) {
    const cases = caseCount(options.cases(endpoint));
    test(`${endpoint.method} ${endpoint.path}: ${cases} mutated requests, each a success or a 4xx in the ${endpoint.shape} shape`, async (t) => {
      const { url, inflight } = options.target();
      const cpu = process.cpuUsage();
      // Shown, not asserted: the longest the event loop stalled (the fuzz's own work on huge bodies included, when the server runs in this process).
      const stalls = monitorEventLoopDelay({ resolution: 10 });
      stalls.enable();
      const statuses = await runFuzz({
        url, seed: options.seed, endpoint, cases, concurrency: options.concurrency, models: options.models,
        make: caseMaker(endpoint, options.models, options.maxBytes), headers: { authorization: `Bearer ${FUZZ_KEY}` },
        ...(options.between === undefined ? {} : { between: options.between }),
      });
      stalls.disable();
      t.diagnostic(`answers by status: ${JSON.stringify(statuses)}; CPU ${cpuSeconds(cpu)} s; longest event-loop stall ${Math.round(stalls.max / 1e6)} ms`);
      if (inflight !== undefined) await until(() => inflight() === 0, 'no request in flight');
      options.afterEach?.(endpoint);
    });
  }
}
