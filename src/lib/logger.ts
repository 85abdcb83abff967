import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

export type Logger = FastifyBaseLogger;

/** Structured JSON logs on stdout. Secrets are never passed in; known paths are redacted as well. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.key'], censor: '[redacted]' },
  });
}

/** True when `info` lines are written: lets hot paths skip building a line nobody reads. */
export function logsInfo(log: Logger): boolean {
  return log.level === 'info' || log.level === 'debug' || log.level === 'trace';
}
