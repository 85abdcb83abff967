import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { DEMO_ANSWER, DEMO_MODEL } from '../../src/providers/llama-cpp/zero-config.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';

const run = promisify(execFile);

/** The README's "Using it" section: its code blocks by language, in order. */
function usageExamples(): Array<{ lang: string; code: string }> {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const start = readme.indexOf('\n## Using it\n');
  assert.ok(start >= 0, 'README.md has a "Using it" section');
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n##+ /);
  const section = end === -1 ? rest : rest.slice(0, end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/** The environment of someone who just ran `npm start`: no key of any API set. */
function freshEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['LINGUA_API_KEY', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN']) delete env[name];
  return env;
}

/**
 * The README's examples against a server set up as `npm start` with no
 * config is (zero-config.ts): no keys, one model under the demo's name that
 * answers the demo's text. A fake upstream stands in for the local engine
 * (whose start takes seconds; test/llama-cpp/ serves the real demo model).
 */
describe("the README's usage examples run as written against the zero-config demo", () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  const examples = usageExamples();
  const at = (code: string): string => code.replaceAll('http://127.0.0.1:8080', server.url);

  before(async () => {
    upstream.reply = { choices: [{ text: DEMO_ANSWER }], usage: { prompt_tokens: 5, completion_tokens: 40 } };
    server = await startLingua({
      providers: [{ name: DEMO_MODEL, type: 'openai', base_url: await upstream.start() }],
      models: [{ name: DEMO_MODEL, provider: DEMO_MODEL, owned_by: DEMO_MODEL }],
    });
  });
  after(async () => {
    await server?.close();
    await upstream.close();
  });

  test('the section holds the curl, openai and @anthropic-ai/sdk examples', () => {
    assert.deepEqual(examples.map((e) => e.lang), ['sh', 'ts', 'ts']);
    assert.match(examples[1]!.code, /from 'openai'/);
    assert.match(examples[2]!.code, /from '@anthropic-ai\/sdk'/);
  });

  test('each curl command gets a 200 naming the demo model, with LINGUA_API_KEY unset', async () => {
    const commands = examples[0]!.code.replace(/\\\n/g, ' ').split('\n').filter((line) => line.startsWith('curl '));
    assert.equal(commands.length, 4, examples[0]!.code);
    for (const command of commands) {
      const { stdout } = await run('sh', ['-c', `${at(command)} -sS -w '\\n%{http_code}'`], { env: freshEnv() });
      const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
      assert.equal(status, '200', `${command}\n${stdout.slice(0, 500)}`);
      assert.match(stdout, new RegExp(`"${DEMO_MODEL}"`), command);
    }
  });

  for (const [index, sdk] of [[1, 'openai'], [2, '@anthropic-ai/sdk']] as const) {
    test(`the ${sdk} example prints the demo model's answer, with LINGUA_API_KEY unset`, async () => {
      // Beside the build, so that the example's bare import resolves to this project's node_modules.
      const dir = await mkdtemp(join(fileURLToPath(new URL('.', import.meta.url)), 'readme-example-'));
      try {
        const file = join(dir, 'example.mjs');
        await writeFile(file, at(examples[index]!.code));
        const { stdout } = await run(process.execPath, [file], { env: freshEnv() });
        assert.equal(stdout, DEMO_ANSWER);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
