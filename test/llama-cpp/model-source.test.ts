import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { runCli } from '../support/cli-process.js';
import { startLingua } from '../support/lingua.js';
import { hfCachePath, parseHfUri } from '../../src/providers/llama-cpp/model-source.js';
import { DEMO_ANSWER } from '../../src/providers/llama-cpp/zero-config.js';
import { generateTestModels, SCRIPT, type TestModels } from './models.js';

describe('llama-cpp model sources', () => {
  let models: TestModels;
  before(async () => { models = await generateTestModels(); });
  after(async () => { await models?.remove(); });

  test('an hf: model that is not cached and cannot be downloaded: other models still served, its requests get a 503 saying why', async () => {
    const cache = join(models.dir, 'cache-offline');
    const started = performance.now();
    const server = await startLingua({
      providers: [
        // An address where nothing listens: the download fails at once, as offline.
        { name: 'remote', type: 'llama-cpp', model: 'hf:some-org/some-repo/model-Q4_K_M.gguf', cache_dir: cache, hf_endpoint: 'http://127.0.0.1:9' },
        { name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 256, parallel: 1, threads: 1 },
      ],
      models: [{ name: 'remote', provider: 'remote' }, { name: 'scripted', provider: 'local' }],
    });
    try {
      assert.ok(performance.now() - started < 20_000, 'startup does not hang on the missing model');
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const ok = await client.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(ok.choices[0]!.message.content, SCRIPT);
      const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'remote', messages: [{ role: 'user', content: 'Hi' }] }) });
      assert.equal(res.status, 503);
      const { error } = await res.json() as { error: { message: string; code: string } };
      assert.equal(error.code, 'model_unavailable');
      assert.match(error.message, /hf:some-org\/some-repo\/model-Q4_K_M\.gguf/);
      assert.ok(error.message.includes(hfCachePath(parseHfUri('hf:some-org/some-repo/model-Q4_K_M.gguf')!, cache)), error.message);
    } finally {
      await server.close();
    }
  });

  describe('downloads', () => {
    let hub: Server;
    let hubUrl: string;
    const ranges: Array<string | undefined> = [];
    before(async () => {
      const file = await readFile(models.scripted);
      hub = createServer((req, res) => {
        if (req.url !== '/org/repo/resolve/main/scripted.gguf') return void res.writeHead(404).end();
        ranges.push(req.headers.range);
        const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
        res.writeHead(from > 0 ? 206 : 200, { 'content-length': String(file.length - from) });
        res.end(file.subarray(from));
      });
      await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
      const address = hub.address();
      hubUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    });
    after(() => new Promise<void>((resolve) => hub.close(() => resolve())));

    test('an hf: model is downloaded once into the cache, resuming a partial file, then served', async () => {
      const cache = join(models.dir, 'cache-hub');
      const uri = 'hf:org/repo/scripted.gguf';
      const path = hfCachePath(parseHfUri(uri)!, cache);
      // A download cut short by an earlier run.
      const whole = await readFile(models.scripted);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.partial`, whole.subarray(0, 1000));
      const config = {
        providers: [{ name: 'hub', type: 'llama-cpp', model: uri, cache_dir: cache, hf_endpoint: hubUrl, context_size: 256, parallel: 1, threads: 1 }],
        models: [{ name: 'hub', provider: 'hub' }],
      };
      for (let start = 0; start < 2; start++) {
        const server = await startLingua(config);
        try {
          const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
          const r = await client.chat.completions.create({ model: 'hub', messages: [{ role: 'user', content: 'Hi' }] });
          assert.equal(r.choices[0]!.message.content, SCRIPT);
        } finally {
          await server.close();
        }
      }
      assert.deepEqual(ranges, ['bytes=1000-'], 'one request, resuming after the partial bytes; none on the second start');
      assert.equal((await stat(path)).size, whole.length);
    });
  });

  test('lingua serve with no config serves the generated demo model, labelled as a demo', async () => {
    const run = runCli(['serve', '--port', '0'], { LINGUA_CACHE_DIR: join(models.dir, 'cache-demo') });
    try {
      const [, url] = await run.waitFor(/Lingua listening on (http\S+)/, 20_000);
      await run.waitFor(/DEMO model/);
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const list = await client.models.list();
      assert.deepEqual(list.data.map((m) => [m.id, m.owned_by]), [['lingua-demo', 'lingua-demo']]);
      const r = await client.chat.completions.create({ model: 'lingua-demo', messages: [{ role: 'user', content: 'What are you?' }] });
      assert.equal(r.choices[0]!.message.content, DEMO_ANSWER);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });

  test('lingua serve --model FILE --model-name NAME serves that one model', async () => {
    const run = runCli(['serve', '--port', '0', '--model', models.scripted, '--model-name', 'mine']);
    try {
      const [, url] = await run.waitFor(/Lingua listening on (http\S+)/, 20_000);
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
      assert.deepEqual((await client.models.list()).data.map((m) => m.id), ['mine']);
      const r = await client.chat.completions.create({ model: 'mine', messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(r.choices[0]!.message.content, SCRIPT);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
