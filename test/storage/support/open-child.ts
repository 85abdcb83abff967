/**
 * Opens (and so migrates) the storage in a data directory, then prints the
 * migrations it applied: the concurrent-start test runs several at once.
 * Usage: `node open-child.js <data dir>`.
 */
import { pino } from 'pino';
import type { Logger } from '../../../src/lib/logger.js';
import { openStorage } from '../../../src/storage/index.js';

const applied: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => {
  const entry = JSON.parse(line) as { msg: string; migration?: string };
  if (entry.msg === 'storage: migration applied') applied.push(entry.migration!);
} }) as unknown as Logger;
const storage = await openStorage({ dataDir: process.argv[2]!, logger });
await storage.accounts.create({ name: `child ${process.pid}` });
await storage.close();
process.stdout.write(JSON.stringify(applied));
