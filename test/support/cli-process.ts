import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface CliRun {
  child: ChildProcess;
  output(): string;
  /** Resolves with the text once `pattern` appears in stdout or stderr. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Runs `lingua <args>` (the built CLI) as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  // A database of its own unless the test gives one (never the user's data directory).
  const dataDir = env.LINGUA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'lingua-cli-'));
  const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, LINGUA_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w();
    resolve(code);
  }));
  const waitFor = (pattern: RegExp, ms = 10_000) => new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} in:\n${text}`)), ms);
    const check = () => {
      const m = text.match(pattern);
      if (m) { clearTimeout(timer); resolve(m); return; }
      if (child.exitCode !== null) { clearTimeout(timer); reject(new Error(`exited (${child.exitCode}) before ${pattern}:\n${text}`)); return; }
      waiters.push(check);
    };
    check();
  });
  return { child, output: () => text, waitFor, exited };
}
