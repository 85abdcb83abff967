#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfigFile, parseConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { serve } from './serve.js';
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
  const config = await loadConfig(options);
  const demoNotice = await addLocalModels(config, options);
  const { lingua, url, logger } = await serve(config);
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
  const models = lingua.context.router.models().map((m) => m.name);
  logger.info({ url, models }, `Lingua listening on ${url}`);
  process.stdout.write(`Lingua listening on ${url}\n`);
  process.stdout.write(models.length > 0 ? `Serving models: ${models.join(', ')}\n` : 'No models configured: add some under `models` in the config file.\n');
  if (demoNotice !== undefined) {
    logger.warn({ model: 'lingua-demo' }, demoNotice);
    process.stdout.write(`${demoNotice}\n`);
  }
  if (config.keys.length === 0) process.stdout.write('No API keys configured: any caller on this machine is accepted.\n');
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
