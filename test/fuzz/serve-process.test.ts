import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli-process.js';
import { runSeed } from './dice.js';
import { FAKE_MODELS, startFakeBackends, type FakeBackends } from './fake-backends.js';
import { fuzzTests } from './fuzz-tests.js';
import { assertServesEveryEndpoint, FUZZ_KEY } from './serves.js';

const seed = runSeed();

/**
 * A smaller run of the fuzz against `lingua serve` as its own process: an
 * exception nothing catches would end it (in process, it would end the
 * test runner's file instead). It is still running afterwards, serves, has
 * logged no error, and stops cleanly on SIGTERM.
 */
describe(`fuzz, lingua serve as a process (LINGUA_FUZZ_SEED=${seed})`, () => {
  let fakes: FakeBackends;
  let dir: string;
  let run: CliRun;
  let url: string;
  before(async () => {
    console.log(`fuzz seed ${seed}: LINGUA_FUZZ_SEED=${seed} replays this run`);
    fakes = await startFakeBackends();
    dir = await mkdtemp(join(tmpdir(), 'lingua-fuzz-serve-'));
    const file = join(dir, 'lingua.yaml');
    // JSON is YAML.
    await writeFile(file, JSON.stringify({ server: { host: '127.0.0.1', port: 0, log_level: 'error', log_format: 'json' }, keys: [{ name: 'fuzz', key: FUZZ_KEY }], ...fakes.config }));
    run = runCli(['serve', '--config', file], { LINGUA_DATA_DIR: dir });
    [, url] = (await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string];
  });
  after(async () => {
    if (run !== undefined && run.child.exitCode === null) run.child.kill('SIGKILL');
    await fakes?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  fuzzTests({
    seed,
    target: () => ({ url }),
    models: FAKE_MODELS,
    cases: (endpoint) => (endpoint.answers === 'model' ? 100 : 150),
    maxBytes: 1 << 20,
    concurrency: 4,
    between: () => fakes.forget(),
    afterEach: (endpoint) => {
      assert.equal(run.child.exitCode, null, `the process exited during the fuzz of ${endpoint.path} (LINGUA_FUZZ_SEED=${seed}):\n${run.output().slice(-3000)}`);
    },
  });

  test('afterwards it serves every endpoint, has logged no error, and stops cleanly', async () => {
    for (const model of FAKE_MODELS) await assertServesEveryEndpoint(url, model);
    const errors = run.output().split('\n').filter((line) => /^\{.*"level":(50|60)/.test(line));
    assert.deepEqual(errors, [], `errors logged (LINGUA_FUZZ_SEED=${seed})`);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0, run.output().slice(-3000));
  });
});
