import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { benchModel, benchStreamModel, completionPath, completionRequest, completionResponse, streamPath } from './fixtures.js';
import { pinned, ServerProcess } from './pinned-process.js';
import { benchPricing, platformConfig, setUpPlatform, type PlatformKind, type PlatformSetup } from './platform.js';

/** The repository root (this file runs from dist/bench/support/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type TargetKey = 'direct' | 'bare' | 'json' | 'lingua' | 'platform-sqlite' | 'platform-pg';

/** One system under test: where non-streaming and streaming calls go. */
export interface Target {
  key: TargetKey;
  label: string;
  completionUrl: string;
  streamUrl: string;
  /** Headers every call sends (a caller key). */
  headers: Record<string, string>;
  /** The process whose CPU time we charge per request. */
  process: ServerProcess;
}

/** Ready when a non-streaming call answers with the upstream's content. */
async function answers(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: completionRequest });
  const body = (await res.body.json()) as { choices?: Array<{ message?: { content?: string } }> };
  const expected = (JSON.parse(completionResponse) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
  return res.statusCode === 200 && body.choices?.[0]?.message?.content === expected;
}

/** How a target's process is started: a command it runs under (valgrind, say) and how long it may take to answer. */
export interface Launch {
  launcher?: string[];
  readyTimeoutMs?: number;
  /** Added to the process's environment. */
  env?: NodeJS.ProcessEnv;
}

export async function startBareProxy(port: number, upstreamOrigin: string, cores: string, launch: Launch = {}): Promise<Target> {
  return startProxy('bare', 'bare node:http+undici proxy', 'bare-proxy.js', port, upstreamOrigin, cores, launch);
}

/** The bare proxy plus a JSON parse and re-serialisation of everything it forwards. */
export async function startJsonProxy(port: number, upstreamOrigin: string, cores: string, launch: Launch = {}): Promise<Target> {
  return startProxy('json', 'JSON-rewriting node:http proxy', 'json-proxy.js', port, upstreamOrigin, cores, launch);
}

async function startProxy(key: 'bare' | 'json', label: string, file: string, port: number, upstreamOrigin: string, cores: string, launch: Launch): Promise<Target> {
  const script = join(repoRoot, 'dist/bench/support', file);
  const server = new ServerProcess(label, pinned(cores, [...(launch.launcher ?? []), process.execPath, script, String(port), upstreamOrigin]), { env: { ...process.env, ...launch.env } });
  const origin = `http://127.0.0.1:${port}`;
  await server.ready(() => answers(origin + completionPath), launch.readyTimeoutMs);
  return { key, label, completionUrl: origin + completionPath, streamUrl: origin + streamPath, headers: {}, process: server };
}

const platformTargets: Record<PlatformKind, { key: TargetKey; label: string }> = {
  off: { key: 'lingua', label: 'Lingua' },
  sqlite: { key: 'platform-sqlite', label: 'Lingua, platform on: SQLite + memory' },
  postgres: { key: 'platform-pg', label: 'Lingua, platform on: PostgreSQL + Redis' },
};

export interface LinguaTarget extends Target {
  platform: PlatformSetup;
}

/**
 * Lingua from the built CLI, as a user starts it, with log_level warn, in
 * a folder of its own under `dir` (its config and its `data_dir`: nothing
 * goes to the user's data directory). Streams go to a second provider on
 * the upstream's stream path. `platform` (default off) sets up its
 * database, key, limits and ledger (platform.ts); stopping the process
 * leaves them, `platform.cleanUp()` drops them.
 */
export async function startLingua(options: {
  dir: string; port: number; upstreamOrigin: string; cores: string; platform?: PlatformKind; rateLimits?: boolean; nodeFlags?: string[];
} & Launch): Promise<LinguaTarget> {
  const kind = options.platform ?? 'off';
  const dir = mkdtempSync(join(options.dir, `lingua-${kind}-`));
  const platform = await setUpPlatform(kind, join(dir, 'data'), { rateLimits: options.rateLimits ?? true });
  const lines = platformConfig(platform);
  const pricing = `pricing: { input: ${benchPricing.input}, output: ${benchPricing.output} }`;
  const config = join(dir, 'lingua.yaml');
  writeFileSync(config, [
    `server: { host: 127.0.0.1, port: ${options.port}, log_level: warn, ${lines.server.join(', ')} }`,
    ...lines.top,
    'providers:',
    `  - { name: upstream, type: openai, base_url: "${options.upstreamOrigin}/v1" }`,
    `  - { name: upstream-stream, type: openai, base_url: "${options.upstreamOrigin}${streamPath.replace(/\/chat\/completions$/, '')}" }`,
    'models:',
    `  - { name: ${benchModel}, provider: upstream, model: upstream-model, ${pricing} }`,
    `  - { name: ${benchStreamModel}, provider: upstream-stream, model: upstream-model, ${pricing} }`,
    '',
  ].join('\n'));
  const cli = join(repoRoot, 'dist/src/cli.js');
  const argv = [...(options.launcher ?? []), process.execPath, ...(options.nodeFlags ?? []), cli, 'serve', '--config', config, '--port', String(options.port)];
  // Only the config says where the data goes and what backs the limits.
  const { DATABASE_URL: _d, REDIS_URL: _r, LINGUA_DATA_DIR: _l, LINGUA_CONFIG: _c, ...env } = process.env;
  const { key, label } = platformTargets[kind];
  const server = new ServerProcess(label, pinned(options.cores, argv), { cwd: dir, env: { ...env, ...options.env } });
  const origin = `http://127.0.0.1:${options.port}`;
  try {
    await server.ready(() => answers(origin + completionPath, platform.headers), options.readyTimeoutMs);
  } catch (error) {
    await server.stop();
    await platform.cleanUp();
    throw error;
  }
  return { key, label, completionUrl: origin + completionPath, streamUrl: origin + completionPath, headers: platform.headers, process: server, platform };
}
