import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/lib/logger.js';
import { until } from './until.js';

/** A real pino logger whose JSON lines are kept in memory, for tests that read the server's logs. */
export class LogLines {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly logger: Logger;

  constructor(level = 'info') {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const l of chunk.toString().split('\n')) if (l) this.lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    this.logger = pino({ level, base: undefined }, sink) as unknown as Logger;
  }

  /** The `request` lines (one per request). */
  get requests(): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.msg === 'request');
  }

  /** Waits for `count` request lines that satisfy `match`, and returns them. */
  async waitForRequests(count: number, match: (line: Record<string, unknown>) => boolean = () => true, ms = 10_000): Promise<Array<Record<string, unknown>>> {
    await until(() => this.requests.filter(match).length >= count, `${count} request log lines`, ms);
    return this.requests.filter(match);
  }
}
