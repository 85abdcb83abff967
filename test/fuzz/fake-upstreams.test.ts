import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { until } from '../support/until.js';
import { runSeed } from './dice.js';
import { FAKE_MODELS, startFakeBackends, type FakeBackends } from './fake-backends.js';
import { fuzzTests } from './fuzz-tests.js';
import { assertServesEveryEndpoint, FUZZ_KEY } from './serves.js';

const seed = runSeed();

/**
 * Mutated requests to every caller endpoint of a server in front of fake
 * upstreams of both protocols (which never fail): each answer is a success
 * or a 4xx in the caller's shape. `LINGUA_FUZZ_SEED` replays a run,
 * `LINGUA_FUZZ_CASES` scales the counts.
 */
describe(`fuzz, fake upstreams (LINGUA_FUZZ_SEED=${seed})`, () => {
  let fakes: FakeBackends;
  let server: TestServer;
  before(async () => {
    console.log(`fuzz seed ${seed}: LINGUA_FUZZ_SEED=${seed} replays this run`);
    fakes = await startFakeBackends();
    server = await startLingua({ keys: [{ name: 'fuzz', key: FUZZ_KEY }], ...fakes.config });
  });
  after(async () => {
    await server?.close();
    await fakes?.close();
  });

  fuzzTests({
    seed,
    target: () => ({ url: server.url, inflight: () => server.lingua.context.inflight.size }),
    models: FAKE_MODELS,
    cases: (endpoint) => (endpoint.answers === 'model' ? 600 : 1_000),
    maxBytes: 6 << 20,
    concurrency: 6,
    between: () => fakes.forget(),
  });

  test('afterwards every endpoint serves a valid request, and nothing is in flight', async () => {
    for (const model of FAKE_MODELS) await assertServesEveryEndpoint(server.url, model);
    await until(() => server.lingua.context.inflight.size === 0, 'no request in flight');
    assert.equal(server.lingua.context.inflight.size, 0);
  });
});
