import { pino } from 'pino';
import { randomId } from '../../../src/lib/ids.js';
import type { Logger } from '../../../src/lib/logger.js';
import type { UsageRecord } from '../../../src/storage/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A complete usage record of a successful streamed call; `over` changes any field. */
export function usageRecord(over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: randomId('req_'),
    ts: Date.UTC(2031, 0, 1),
    accountId: null,
    keyId: null,
    model: 'm1',
    provider: 'openai',
    upstreamModel: 'gpt-test',
    protocol: 'openai',
    endpoint: '/v1/chat/completions',
    stream: true,
    status: 200,
    errorKind: null,
    inputTokens: 10,
    cachedInputTokens: 2,
    outputTokens: 20,
    reasoningTokens: 5,
    estimated: false,
    cost: 1000,
    unpriced: false,
    latencyMs: 100,
    ttftMs: 40,
    attempts: 1,
    user: null,
    ...over,
  };
}

export interface CapturedLogger {
  logger: Logger;
  lines: Array<{ level: number; msg: string; [field: string]: unknown }>;
}

/** A real pino logger whose lines land in an array. */
export function capturedLogger(): CapturedLogger {
  const lines: CapturedLogger['lines'] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => { lines.push(JSON.parse(line)); } });
  return { logger: logger as unknown as Logger, lines };
}
