import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { loadConfigFile } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { buildLingua, type Lingua } from '../../src/server/app.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { LogLines } from '../support/log-lines.js';
import { until } from '../support/until.js';

const hi = [{ role: 'user' as const, content: 'hi' }];

describe('config reload: POST /admin/reload re-reads the file', () => {
  const first = new FakeOpenAI();
  const second = new FakeOpenAI();
  const log = new LogLines();
  let dir: string;
  let file: string;
  let lingua: Lingua;
  let url: string;
  let firstUrl: string;
  let secondUrl: string;

  /** The config file: `server` is the test's; the rest is YAML the test writes. */
  const write = (yaml: string) => writeFile(file, `server: { host: 127.0.0.1, port: 0, data_dir: "${dir}" }\n${yaml}`);
  const reload = async () => {
    const r = await fetch(`${url}/admin/reload`, { method: 'POST' });
    return { status: r.status, body: await r.json() as Record<string, unknown> & { error?: { message: string; code: string } } };
  };
  const client = (key = 'sk-reload-key-one') => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
  const configA = () => `
keys: [{ name: one, key: sk-reload-key-one }]
providers: [{ name: first, type: openai, base_url: "${firstUrl}" }]
models: [{ name: alpha, provider: first }]
`;

  before(async () => {
    [firstUrl, secondUrl] = [await first.start(), await second.start()];
    dir = await mkdtemp(join(tmpdir(), 'lingua-reload-'));
    file = join(dir, 'lingua.yaml');
    await write(configA());
    const load = (): Promise<Config> => loadConfigFile(file);
    lingua = await buildLingua(await load(), log.logger, [], { loadConfig: load });
    await lingua.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(lingua.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await lingua.close(1000);
    await first.close();
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a reload changes providers and models while a stream in flight finishes on the old ones', async () => {
    const text = 'an answer that is still streaming while the config changes under it';
    first.reply = { choices: [{ text }], usage: { prompt_tokens: 3, completion_tokens: 12 }, chunkSize: 3, delayMs: 15 };
    second.reply = { choices: [{ text: 'from the second upstream' }], usage: { prompt_tokens: 3, completion_tokens: 4 } };
    const stream = await client().chat.completions.create({ model: 'alpha', messages: hi, stream: true });
    const chunks = stream[Symbol.asyncIterator]();
    let streamed = '';
    while (streamed.length === 0) streamed += (await chunks.next()).value?.choices[0]?.delta.content ?? '';

    await write(`
keys: [{ name: one, key: sk-reload-key-one }]
providers: [{ name: second, type: openai, base_url: "${secondUrl}" }]
models: [{ name: beta, provider: second }]
`);
    const r = await reload();
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { reloaded: true, generation: 2, restart_required: [] });

    // New requests see the new config at once.
    assert.deepEqual((await client().models.list()).data.map((m) => m.id), ['beta']);
    await assert.rejects(client().chat.completions.create({ model: 'alpha', messages: hi }), { status: 404 });
    const answer = await client().chat.completions.create({ model: 'beta', messages: hi });
    assert.equal(answer.choices[0]!.message.content, 'from the second upstream');
    assert.equal(lingua.live.generations().length, 2, 'the old config still serves its stream');

    // The stream that started before keeps its provider to the end.
    for (let c = await chunks.next(); !c.done; c = await chunks.next()) streamed += c.value.choices[0]?.delta.content ?? '';
    assert.equal(streamed, text);
    assert.equal(first.aborted, 0);
    await until(() => lingua.live.generations().length === 1, 'the replaced config to drain');
    const [line] = await log.waitForRequests(1, (l) => l.provider === 'first' && l.stream === true);
    assert.equal(line!.status, 200);
  });

  test('an unchanged provider is kept (same object) and a changed one replaced', async () => {
    await write(`
keys: [{ name: one, key: sk-reload-key-one }]
providers: [{ name: second, type: openai, base_url: "${secondUrl}" }, { name: first, type: openai, base_url: "${firstUrl}" }]
models: [{ name: beta, provider: second }, { name: alpha, provider: first }]
`);
    const kept = lingua.providers.get('second');
    assert.equal((await reload()).status, 200);
    assert.equal(lingua.providers.get('second'), kept);
    await write(`
keys: [{ name: one, key: sk-reload-key-one }]
providers: [{ name: second, type: openai, base_url: "${secondUrl}", timeout_s: 30 }, { name: first, type: openai, base_url: "${firstUrl}" }]
models: [{ name: beta, provider: second }, { name: alpha, provider: first }]
`);
    assert.equal((await reload()).status, 200);
    assert.notEqual(lingua.providers.get('second'), kept);
  });

  test('keys, pricing and limits come from the new file', async () => {
    await write(`
keys: [{ name: two, key: sk-reload-key-two }, { name: limited, key: sk-reload-key-limited, rpm: 1 }]
providers: [{ name: first, type: openai, base_url: "${firstUrl}" }]
models: [{ name: alpha, provider: first, pricing: { input: 1, output: 1 } }]
`);
    first.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    assert.equal((await reload()).status, 200);
    await assert.rejects(client('sk-reload-key-one').chat.completions.create({ model: 'alpha', messages: hi }), { status: 401 });
    assert.equal((await client('sk-reload-key-two').chat.completions.create({ model: 'alpha', messages: hi })).choices[0]!.message.content, 'ok');
    assert.equal((await client('sk-reload-key-limited').chat.completions.create({ model: 'alpha', messages: hi })).choices[0]!.message.content, 'ok');
    await assert.rejects(client('sk-reload-key-limited').chat.completions.create({ model: 'alpha', messages: hi }), { status: 429 });
    assert.ok(lingua.context.router.resolve('alpha').pricing !== undefined);
  });

  test('an invalid config is refused with the error (response and log) and the old one keeps serving', async () => {
    const generation = lingua.live.current.number;
    await write(`
keys: [{ name: two, key: sk-reload-key-two }]
providers: [{ name: first, type: openai, base_url: "${firstUrl}" }]
models: [{ name: alpha, provider: nowhere }]
`);
    const r = await reload();
    assert.equal(r.status, 422);
    assert.equal(r.body.error?.code, 'config_refused');
    assert.match(r.body.error!.message, /models\[0\]\.provider/);
    assert.equal(lingua.live.current.number, generation);
    const refused = log.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('config reload refused'));
    assert.match(String(refused?.error), /models\[0\]\.provider/);
    await writeFile(file, 'server: [not, a, mapping');
    assert.equal((await reload()).status, 422);
    // Still the last good config: its key, its model.
    assert.equal((await client('sk-reload-key-two').chat.completions.create({ model: 'alpha', messages: hi })).choices[0]!.message.content, 'ok');
  });

  test('a changed restart-only field is reported, not applied', async () => {
    await writeFile(file, `server: { host: 127.0.0.1, port: 0, data_dir: "${dir}", body_limit_mb: 1 }\n${configA()}`);
    const r = await reload();
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.restart_required, ['server.body_limit_mb']);
  });
});
