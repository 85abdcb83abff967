import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { FakeOpenAI } from '../support/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { until } from '../support/until.js';



describe('lingua serve', () => {
  let upstream: FakeOpenAI;
  let baseUrl: string;
  let dir: string;
  before(async () => {
    upstream = new FakeOpenAI();
    baseUrl = await upstream.start();
    dir = await mkdtemp(join(tmpdir(), 'lingua-cli-'));
  });
  after(() => upstream.close());

  const configYaml = (extra = '') => `
server: { host: 127.0.0.1, port: 8080, body_limit_mb: 20, log_level: debug }
keys:
  - { name: dev, key: "\${LINGUA_API_KEY}" }
providers:
  - { name: upstream, type: openai, base_url: "${baseUrl}", api_key: "\${UPSTREAM_KEY}", timeout_s: 90 }
models:
  - { name: Ling-2.6-flash, provider: upstream, model: the-upstream-model-id }
${extra}`;

  test('the documented config shape serves the upstream; --port overrides; prints URL and models', async () => {
    const file = join(dir, 'lingua.yaml');
    await writeFile(file, configYaml());
    const run = runCli(['serve', '--config', file, '--port', '0'], { LINGUA_API_KEY: 'sk-cli-test-key', UPSTREAM_KEY: 'up-secret' });
    try {
      const [, url] = await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/);
      await run.waitFor(/Serving models: Ling-2\.6-flash/);
      upstream.reply = { choices: [{ text: 'from the CLI' }], usage: { prompt_tokens: 1, completion_tokens: 3 } };
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-cli-test-key', maxRetries: 0 });
      const r = await client.chat.completions.create({ model: 'Ling-2.6-flash', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(r.choices[0]!.message.content, 'from the CLI');
      assert.equal(upstream.last.body.model, 'the-upstream-model-id');
      assert.equal(upstream.last.headers.authorization, 'Bearer up-secret');
      assert.ok(!run.output().includes('sk-cli-test-key') && !run.output().includes('up-secret'), 'secrets never logged');
    } finally {
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    }
  });

  test('LINGUA_CONFIG works in place of --config', async () => {
    const file = join(dir, 'env.yaml');
    await writeFile(file, configYaml());
    const run = runCli(['serve', '--port', '0'], { LINGUA_CONFIG: file, LINGUA_API_KEY: 'sk-cli-test-key', UPSTREAM_KEY: 'x' });
    try {
      await run.waitFor(/Serving models: Ling-2\.6-flash/);
    } finally {
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 0);
    }
  });

  test('a config error stops it with a message naming the field', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, configYaml().replace('timeout_s: 90', 'timeout_s: "soon"'));
    const run = runCli(['serve', '--config', file], { LINGUA_API_KEY: 'sk-cli-test-key', UPSTREAM_KEY: 'x' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /config error: .*providers\[0\]\.timeout_s/);
  });

  test('an unset environment variable is named with its field', async () => {
    const file = join(dir, 'unset.yaml');
    await writeFile(file, configYaml());
    const env = { LINGUA_API_KEY: '', UPSTREAM_KEY: 'x' };
    const run = runCli(['serve', '--config', file], env);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /keys\[0\]\.key: environment variable LINGUA_API_KEY is not set/);
  });

  test('a model naming an unknown provider is a config error', async () => {
    const file = join(dir, 'orphan.yaml');
    await writeFile(file, configYaml('  - { name: other, provider: nowhere }'));
    const run = runCli(['serve', '--config', file], { LINGUA_API_KEY: 'sk-cli-test-key', UPSTREAM_KEY: 'x' });
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /models\[1\]\.provider: no provider named 'nowhere'/);
  });

  test('no keys on a non-loopback host: refuses to start and says why', async () => {
    const file = join(dir, 'open.yaml');
    await writeFile(file, `providers:\n  - { name: u, type: openai, base_url: "${baseUrl}" }\nmodels:\n  - { name: m, provider: u }\n`);
    const run = runCli(['serve', '--config', file, '--host', '0.0.0.0', '--port', '0']);
    assert.equal(await run.exited, 2);
    assert.match(run.output(), /refusing to listen on 0\.0\.0\.0 with no API keys/);
  });

  test('SIGTERM: stops accepting, lets the in-flight stream finish, exits 0', async () => {
    const file = join(dir, 'grace.yaml');
    await writeFile(file, configYaml());
    const run = runCli(['serve', '--config', file, '--port', '0'], { LINGUA_API_KEY: 'sk-cli-test-key', UPSTREAM_KEY: 'x' });
    const [, url] = await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/);
    upstream.reply = { choices: [{ text: 'a slow answer that is still being written' }], usage: { prompt_tokens: 1, completion_tokens: 9 }, chunkSize: 2, delayMs: 25 };
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-cli-test-key', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'Ling-2.6-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    let signalled = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (!signalled && text.length > 0) {
        signalled = true;
        run.child.kill('SIGTERM');
      }
    }
    assert.equal(text, 'a slow answer that is still being written');
    assert.equal(await run.exited, 0);
    await assert.rejects(fetch(`${url}/v1/models`), 'no longer accepting');
  });
  test('stdout closed before startup ends (`lingua serve | head -1`) neither stops nor hangs the server; SIGTERM still exits 0', async () => {
    const port = await freePort();
    const file = join(dir, 'stdout.yaml');
    await writeFile(file, `
server: { host: 127.0.0.1, port: ${port}, log_level: info }
providers:
  - { name: upstream, type: openai, base_url: "${baseUrl}" }
models:
  - { name: m, provider: upstream }
`);
    const run = runCli(['serve', '--config', file]);
    // Gone before the banner is written: every write to stdout from now on fails with EPIPE.
    run.child.stdout!.destroy();
    try {
      const url = `http://127.0.0.1:${port}`;
      await until(() => fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status === 200, () => false), 'the server to answer', 10_000);
      upstream.reply = { choices: [{ text: 'still here' }], usage: { prompt_tokens: 1, completion_tokens: 2 } };
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0, timeout: 5000 });
      // Each chat call logs a line at info, which fails too.
      for (let i = 0; i < 3; i++) {
        const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
        assert.equal(r.choices[0]!.message.content, 'still here');
      }
    } finally {
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    }
  });
});
