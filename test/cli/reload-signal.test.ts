import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateTestModels, type TestModels } from '../llama-cpp/models.js';
import { runCli } from '../support/cli-process.js';
import { FakeOpenAI } from '../support/fake-openai.js';

describe('lingua serve: SIGHUP reloads, the banner says what cannot serve', () => {
  const upstream = new FakeOpenAI();
  let base: string;
  let dir: string;
  before(async () => {
    base = await upstream.start();
    dir = await mkdtemp(join(tmpdir(), 'lingua-hup-'));
  });
  after(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  const models = (list: string) => `
server: { host: 127.0.0.1, port: 0, log_level: info }
providers: [{ name: up, type: openai, base_url: "${base}" }]
models: [${list}]
`;
  const listed = async (url: string) => ((await (await fetch(`${url}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);

  test('SIGHUP re-reads the file and the server keeps serving; an invalid file is refused and the old config kept', async () => {
    const file = join(dir, 'hup.yaml');
    await writeFile(file, models('{ name: one, provider: up }'));
    const run = runCli(['serve', '--config', file]);
    try {
      const [, url] = await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/);
      assert.deepEqual(await listed(url!), ['one']);

      await writeFile(file, models('{ name: one, provider: up }, { name: two, provider: up }'));
      run.child.kill('SIGHUP');
      await run.waitFor(/config reloaded: serving models: one, two/);
      assert.deepEqual(await listed(url!), ['one', 'two']);

      await writeFile(file, models('{ name: three, provider: nowhere }'));
      run.child.kill('SIGHUP');
      await run.waitFor(/config reload refused.*models\[0\]\.provider/);
      assert.deepEqual(await listed(url!), ['one', 'two']);
      assert.equal(run.child.exitCode, null, 'still running');
    } finally {
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    }
  });

  test('startup lines are printed once, and a model whose file is missing is named loudly, not served', async () => {
    const local: TestModels = await generateTestModels();
    const file = join(dir, 'missing.yaml');
    await writeFile(file, `
server: { host: 127.0.0.1, port: 0, log_level: info }
providers:
  - { name: up, type: openai, base_url: "${base}" }
  - { name: tiny, type: llama-cpp, model: "${join(local.dir, 'not-there.gguf')}", threads: 1 }
models: [{ name: remote, provider: up }, { name: tiny, provider: tiny }]
`);
    const run = runCli(['serve', '--config', file]);
    try {
      const [, url] = await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
      await run.waitFor(/NOT READY: 1 of 2 models/);
      const out = run.output();
      assert.match(out, /^Serving models: remote$/m);
      assert.match(out, /^NOT READY: model 'tiny' cannot serve: .*not-there\.gguf/m);
      assert.equal(out.match(/Lingua listening on/g)?.length, 1, 'the banner is not logged as well');
      const errorLine = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.level === 50);
      assert.match(errorLine?.msg ?? '', /tiny.*unavailable/, 'an error log line');
      const ready = await fetch(`${url}/health/ready`);
      assert.equal(ready.status, 503);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await local.remove();
    }
  });
});
