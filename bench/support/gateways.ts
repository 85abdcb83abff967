import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { benchModel, benchStreamModel, completionPath, completionRequest, completionResponse, streamPath } from './fixtures.js';
import { pinned, ServerProcess } from './pinned-process.js';

/** The repository root (this file runs from dist/bench/support/). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** One system under test: where non-streaming and streaming calls go. */
export interface Target {
  key: 'direct' | 'bare' | 'json' | 'lingua';
  label: string;
  completionUrl: string;
  streamUrl: string;
  /** The process whose CPU time we charge per request. */
  process: ServerProcess;
}

/** Ready when a non-streaming call answers with the upstream's content. */
async function answers(url: string): Promise<boolean> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: completionRequest });
  const body = (await res.body.json()) as { choices?: Array<{ message?: { content?: string } }> };
  const expected = (JSON.parse(completionResponse) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
  return res.statusCode === 200 && body.choices?.[0]?.message?.content === expected;
}

/** How a target's process is started: a command it runs under (valgrind, say) and how long it may take to answer. */
export interface Launch {
  launcher?: string[];
  readyTimeoutMs?: number;
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
  const server = new ServerProcess(label, pinned(cores, [...(launch.launcher ?? []), process.execPath, script, String(port), upstreamOrigin]));
  const origin = `http://127.0.0.1:${port}`;
  await server.ready(() => answers(origin + completionPath), launch.readyTimeoutMs);
  return { key, label, completionUrl: origin + completionPath, streamUrl: origin + streamPath, process: server };
}

/**
 * Lingua from the built CLI, as a user starts it, with log_level warn.
 * Streams go to a second provider on the upstream's stream path.
 */
export async function startLingua(options: { dir: string; port: number; upstreamOrigin: string; cores: string; nodeFlags?: string[] } & Launch): Promise<Target> {
  const config = join(options.dir, 'lingua.yaml');
  writeFileSync(config, [
    `server: { host: 127.0.0.1, port: ${options.port}, log_level: warn }`,
    'providers:',
    `  - { name: upstream, type: openai, base_url: "${options.upstreamOrigin}/v1" }`,
    `  - { name: upstream-stream, type: openai, base_url: "${options.upstreamOrigin}${streamPath.replace(/\/chat\/completions$/, '')}" }`,
    'models:',
    `  - { name: ${benchModel}, provider: upstream, model: upstream-model }`,
    `  - { name: ${benchStreamModel}, provider: upstream-stream, model: upstream-model }`,
    '',
  ].join('\n'));
  const cli = join(repoRoot, 'dist/src/cli.js');
  const argv = [...(options.launcher ?? []), process.execPath, ...(options.nodeFlags ?? []), cli, 'serve', '--config', config, '--port', String(options.port)];
  const server = new ServerProcess('lingua', pinned(options.cores, argv), { cwd: options.dir });
  const origin = `http://127.0.0.1:${options.port}`;
  await server.ready(() => answers(origin + completionPath), options.readyTimeoutMs);
  return { key: 'lingua', label: 'Lingua', completionUrl: origin + completionPath, streamUrl: origin + completionPath, process: server };
}
