import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { FakeReply, RecordedRequest } from '../support/fake-openai.js';
import { completion, FakeOpenAI, streamReply } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

/** The Codex CLI the dev dependency installs (npm @openai/codex). */
const codexBin = fileURLToPath(new URL('../../../node_modules/.bin/codex', import.meta.url));

/** Why the binary cannot run here, or undefined when it can. */
function codexUnavailable(): string | undefined {
  if (!existsSync(codexBin)) return `${codexBin} is missing (npm install)`;
  const probe = spawnSync(codexBin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) return `codex --version failed: ${probe.error?.message ?? probe.stderr}`;
  return undefined;
}

const unavailable = codexUnavailable();
if (unavailable !== undefined) console.log(`# skipped: the Codex CLI cannot run here (${unavailable})`);

type UpstreamMessage = { role: string; content?: unknown; tool_calls?: Array<{ function: { name: string; arguments: string } }>; tool_call_id?: string };

/**
 * The real Codex CLI (`codex exec`) against Lingua, through a custom
 * provider (`wire_api = "responses"`), to a scripted chat upstream: the
 * model runs a shell command with Codex's exec tool, Codex sends its
 * output back, and the model answers with it.
 */
describe('the Codex CLI through Lingua to a chat upstream', { skip: unavailable }, () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  let home: string;
  let work: string;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'codex', key: API_KEY }],
      providers: [{ name: 'up', type: 'openai', base_url: await upstream.start() }],
      models: [{ name: 'lingua-coder', provider: 'up', model: 'up-model' }],
    });
    home = await mkdtemp(join(tmpdir(), 'lingua-codex-home-'));
    work = await mkdtemp(join(tmpdir(), 'lingua-codex-work-'));
    await writeFile(join(home, 'config.toml'), [
      'model = "lingua-coder"',
      'model_provider = "lingua"',
      // This server has no search backend: Codex's default web_search tool would be refused (docs/responses.md).
      'web_search = "disabled"',
      '',
      '[model_providers.lingua]',
      'name = "Lingua"',
      `base_url = "${server.url}/v1"`,
      'env_key = "LINGUA_TEST_KEY"',
      'wire_api = "responses"',
      // One attempt: a failure must show, not be retried away.
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'));
  });
  after(async () => {
    await server?.close();
    await upstream.close();
    await rm(home, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  test('codex exec runs a tool the model calls, sends its output back, and prints the answer', async () => {
    const script = (req: RecordedRequest): FakeReply => {
      const messages = req.body.messages as UpstreamMessage[];
      const result = messages.find((m) => m.role === 'tool');
      if (result === undefined) {
        return {
          choices: [{
            reasoning: 'I should run the command.',
            text: 'Running it.',
            toolCalls: [{ id: 'call_codex_1', name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo lingua-$((6*7))' }) }],
          }],
          usage: { prompt_tokens: 900, completion_tokens: 30 },
        };
      }
      const output = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
      return { choices: [{ text: output.includes('lingua-42') ? 'The command printed lingua-42.' : `Unexpected tool output: ${output}` }], usage: { prompt_tokens: 950, completion_tokens: 8 } };
    };
    upstream.handler = (req, res) => (req.body.stream === true ? streamReply(script(req), req, res) : void res.end(JSON.stringify(completion(script(req), req))));

    const run = await runCodex(['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', 'Run `echo lingua-$((6*7))` and tell me what it printed.'], { CODEX_HOME: home, LINGUA_TEST_KEY: API_KEY }, work);
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /The command printed lingua-42\./, run.output);

    // Two model calls: the tool call, then the answer with the tool's output in the history.
    assert.equal(upstream.requests.length, 2, run.output);
    const second = upstream.requests[1]!.body.messages as UpstreamMessage[];
    const call = second.find((m) => m.role === 'assistant' && m.tool_calls !== undefined);
    assert.equal(call?.tool_calls?.[0]?.function.name, 'exec_command');
    const result = second.find((m) => m.role === 'tool');
    assert.match(JSON.stringify(result?.content), /lingua-42/);
  });
});

interface CodexRun { code: number | null; stdout: string; output: string }

function runCodex(args: string[], env: Record<string, string>, cwd: string): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(codexBin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output: `stdout:\n${stdout}\nstderr:\n${stderr}` });
    });
  });
}
