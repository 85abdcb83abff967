import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateTestModels, type TestModels } from '../llama-cpp/models.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { until } from '../support/until.js';
import { runSeed } from './dice.js';
import { fuzzTests } from './fuzz-tests.js';
import { assertServesEveryEndpoint, FUZZ_KEY } from './serves.js';

const seed = runSeed();
const MODELS = ['scripted'];

/** The fuzz of fake-upstreams.test.ts in front of the local engine: fewer cases (each valid one generates), smaller values. */
describe(`fuzz, local engine (LINGUA_FUZZ_SEED=${seed})`, () => {
  let models: TestModels;
  let server: TestServer;
  before(async () => {
    console.log(`fuzz seed ${seed}: LINGUA_FUZZ_SEED=${seed} replays this run`);
    models = await generateTestModels();
    server = await startLingua({
      keys: [{ name: 'fuzz', key: FUZZ_KEY }],
      providers: [{ name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 512, parallel: 2, threads: 1 }],
      models: [{ name: 'scripted', provider: 'local' }],
    });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  fuzzTests({
    seed,
    target: () => ({ url: server.url, inflight: () => server.lingua.context.inflight.size }),
    models: MODELS,
    cases: (endpoint) => (endpoint.answers === 'model' ? 150 : 250),
    maxBytes: 64 << 10,
    // Within the engine's two sequences and its queue: an overloaded engine's 429 is not what this tests.
    concurrency: 4,
  });

  test('afterwards every endpoint serves a valid request, nothing is in flight, every sequence is free', async () => {
    await assertServesEveryEndpoint(server.url, 'scripted');
    await until(() => server.lingua.context.inflight.size === 0, 'no request in flight');
    const engine = server.lingua.providers.get('local')?.stats?.().engine;
    assert.ok(engine !== undefined, 'the engine reports its sequences');
    await until(() => server.lingua.providers.get('local')!.stats!().engine!.busy === 0, 'every sequence free');
    assert.equal(server.lingua.providers.get('local')!.stats!().engine!.queued, 0);
  });
});
