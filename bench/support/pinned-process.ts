import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

const cpus = availableParallelism();

/**
 * Where the benches put each process. With 2 cores: the gateway under test
 * alone on core 1; the upstream and the load generator share core 0.
 */
export const cores = {
  gateway: cpus >= 2 ? '1' : '0',
  load: '0',
  upstream: cpus >= 3 ? '2' : '0',
};

/** True when `taskset` (util-linux) can pin processes to cores here. */
export const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The command line that runs `argv` on `cores` (e.g. "1"), or unpinned without taskset. */
export function pinned(cores: string, argv: string[]): string[] {
  return canPin ? ['taskset', '-c', cores, ...argv] : argv;
}

/** Pins every thread of a running process (this one, say) to `cores`. */
export function pinProcess(pid: number, cores: string): void {
  if (canPin) spawnSync('taskset', ['-a', '-c', '-p', cores, String(pid)], { stdio: 'ignore' });
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A long-running child (server) of the benchmark. Its output is kept for
 * error messages; `stop()` sends SIGINT and waits for the exit.
 */
export class ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  #output = '';
  readonly #exited: Promise<number | null>;

  constructor(name: string, argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.name = name;
    const [command, ...args] = argv;
    this.child = spawn(command!, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (data: Buffer) => { this.#output = (this.#output + data.toString()).slice(-4000); };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.once('error', (error) => { this.#output += String(error); resolve(-1); });
    });
  }

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls `probe` until it succeeds; fails with the child's output if it exits or times out. */
  async ready(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited during start:\n${this.#output}`);
      if (await probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} was not ready after ${timeoutMs} ms:\n${this.#output}`);
  }

  /** SIGINT, then SIGKILL if it lingers; resolves with the exit code. */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.#exited;
    clearTimeout(timer);
    return code;
  }
}
