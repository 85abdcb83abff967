import type { FastifyBaseLogger } from 'fastify';
import { createRequire } from 'node:module';
import { pino, type DestinationStream } from 'pino';

export type Logger = FastifyBaseLogger;

/** `auto`: human-readable lines when stdout is a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/**
 * Logs on stdout: one JSON object a line, or, on a terminal (or with
 * `pretty`), the same lines human-readable (pino-pretty, in process and
 * synchronous, so nothing is lost at exit). Secrets are never passed in;
 * known paths are redacted as well.
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.key'], censor: '[redacted]' },
  };
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  return pretty ? pino(options, prettyStream()) : pino(options);
}

function prettyStream(): DestinationStream {
  // Loaded only when used: JSON logging (servers, tests) never pays for it.
  const { PinoPretty } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return PinoPretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/** True when `info` lines are written: lets hot paths skip building a line nobody reads. */
export function logsInfo(log: Logger): boolean {
  return log.level === 'info' || log.level === 'debug' || log.level === 'trace';
}
