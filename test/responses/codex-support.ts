import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Codex CLI the dev dependency installs (npm @openai/codex). */
export const codexBin = fileURLToPath(new URL('../../../node_modules/.bin/codex', import.meta.url));

/**
 * Why the binary cannot run here, or undefined when it can (logged, so a
 * skipped suite says why in the test output).
 */
export function codexUnavailable(): string | undefined {
  const why = probe();
  if (why !== undefined) console.log(`# skipped: the Codex CLI cannot run here (${why})`);
  return why;
}

function probe(): string | undefined {
  if (!existsSync(codexBin)) return `${codexBin} is missing (npm install)`;
  const run = spawnSync(codexBin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) return `codex --version failed: ${run.error?.message ?? run.stderr}`;
  return undefined;
}

/** The key Codex reads from its environment for the Lingua provider (`env_key`). */
export const CODEX_KEY_ENV = 'LINGUA_TEST_KEY';

export interface CodexHome {
  /** `CODEX_HOME`: holds config.toml and Codex's own state, never the real ~/.codex. */
  home: string;
  /** The directory Codex works (and runs its commands) in. */
  work: string;
  /** Runs `codex exec` on `prompt` with tools allowed and no sandbox. */
  exec(prompt: string): Promise<CodexRun>;
  remove(): Promise<void>;
}

/**
 * A throwaway Codex home whose config.toml points Codex at Lingua as a
 * custom provider (`wire_api = "responses"`) serving `model` under `key`.
 * `extra` lines follow the top-level settings: top-level keys first, then
 * any tables of their own.
 */
export async function codexHome(baseUrl: string, model: string, key: string, extra: string[] = []): Promise<CodexHome> {
  const home = await mkdtemp(join(tmpdir(), 'lingua-codex-home-'));
  const work = await mkdtemp(join(tmpdir(), 'lingua-codex-work-'));
  await writeFile(join(home, 'config.toml'), [
    `model = "${model}"`,
    'model_provider = "lingua"',
    // This server has no search backend: Codex's default web_search tool would be refused (docs/responses.md).
    'web_search = "disabled"',
    ...extra,
    '',
    '[model_providers.lingua]',
    'name = "Lingua"',
    `base_url = "${baseUrl}/v1"`,
    `env_key = "${CODEX_KEY_ENV}"`,
    'wire_api = "responses"',
    // One attempt: a failure must show, not be retried away.
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n'));
  return {
    home,
    work,
    exec: (prompt) => runCodex(
      ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt],
      { CODEX_HOME: home, HOME: home, [CODEX_KEY_ENV]: key },
      work,
    ),
    remove: async () => {
      await rm(home, { recursive: true, force: true });
      await rm(work, { recursive: true, force: true });
    },
  };
}

export interface CodexRun { code: number | null; stdout: string; output: string }

function runCodex(args: string[], env: Record<string, string>, cwd: string): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(codexBin, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // A hung run must end the test, not the suite's patience.
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output: `stdout:\n${stdout}\nstderr:\n${stderr}` });
    });
  });
}

/** The names of the tools a recorded upstream request offered the model (chat `function.name` or Anthropic `name`). */
export function offeredToolNames(body: Record<string, unknown>): string[] {
  const tools = (body.tools ?? []) as Array<{ name?: string; function?: { name: string } }>;
  return tools.map((t) => t.function?.name ?? t.name ?? '?');
}
