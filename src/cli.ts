#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfigFile, parseConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { adminCommands } from './cli/admin-commands.js';
import { addLocalModels } from './providers/llama-cpp/zero-config.js';

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

interface ServeOptions { config?: string; host?: string; port?: number; model?: string; modelName?: string }

async function loadConfig(options: ServeOptions): Promise<Config> {
  const file = options.config ?? process.env.LINGUA_CONFIG;
  const config = file === undefined ? parseConfig({}) : await loadConfigFile(file);
  if (options.host !== undefined) config.server.host = options.host;
  if (options.port !== undefined) config.server.port = options.port;
  return config;
}

async function runServe(options: ServeOptions): Promise<void> {
  // Stdout holds only the banner and the logs. If its reader goes away (`lingua serve | head -1`,
  // a log shipper restarting), writes fail with EPIPE: drop them and keep serving. Left
  // unhandled, the error would end the process, and pino's exit-time flush then retries the
  // write forever, leaving a server that holds its port and answers nothing.
  process.stdout.on('error', () => {});
  // A SIGHUP while starting changes nothing (the file is being read now); left unhandled, it would end the process.
  const ignoreHup = () => {};
  process.on('SIGHUP', ignoreHup);
  const config = await loadConfig(options);
  const demoNotice = await addLocalModels(config, options);
  // What a reload (SIGHUP, POST /admin/reload) reads: the same file, with the same flags.
  const reread = async (): Promise<Config> => {
    const next = await loadConfig(options);
    await addLocalModels(next, options);
    return next;
  };
  // Loaded here, not at the top: the admin commands (`lingua keys`, …) start faster without the server's modules.
  const [{ serve }, { startupBanner }] = await Promise.all([import('./serve.js'), import('./health/startup-banner.js')]);
  const { lingua, url, logger } = await serve(config, undefined, { loadConfig: reread });
  // Signals are handled before anything is printed: a script may send one as soon as it reads the URL.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    lingua.close().then(() => process.exit(0), (error: unknown) => {
      logger.error({ err: error }, 'error while shutting down');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Re-reads the config; the reload logs what it applied, or why it refused (the old config stays).
  process.off('SIGHUP', ignoreHup);
  process.on('SIGHUP', () => {
    if (stopping) return;
    logger.info({ signal: 'SIGHUP' }, 'reloading the config');
    void lingua.reload();
  });
  // The banner is printed, not logged (it shows whatever the log level); each line once.
  process.stdout.write(startupBanner(url, await lingua.readiness(), demoNotice, config.keys.length > 0));
}

const program = new Command('lingua')
  .description('One LLM API server for OpenAI and Anthropic clients, over any backend.')
  .showHelpAfterError();

program.command('serve')
  .description('start the API server')
  .option('-c, --config <file>', 'YAML config file (default: $LINGUA_CONFIG)')
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('-p, --port <port>', 'port to listen on (default 8080)', portNumber)
  .option('-m, --model <file>', 'serve this GGUF model (a file or hf:ORG/REPO/FILE.gguf) with the local engine')
  .option('--model-name <name>', 'the name clients use for --model (default: the file name)')
  .action(async (options: ServeOptions) => {
    try {
      await runServe(options);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`lingua: config error: ${error.message}\n`);
        process.exit(2);
      }
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
        process.stderr.write(`lingua: cannot listen: ${e.message}\n`);
        process.exit(1);
      }
      throw error;
    }
  });

for (const command of adminCommands()) program.addCommand(command);

await program.parseAsync(process.argv);
