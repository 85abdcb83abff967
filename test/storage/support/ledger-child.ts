/**
 * A process that hands usage records to a LedgerWriter as fast as a busy
 * server would, until it is killed: the kill -9 test's victim. Usage:
 * `node ledger-child.js <database url or ''> <data dir>`. Every few ms it
 * hands over 20 records (request ids r0, r1, …, key id `kill`) and then
 * writes on stdout how many it has handed over in all.
 */
import { pino } from 'pino';
import type { Logger } from '../../../src/lib/logger.js';
import { openStorage } from '../../../src/storage/index.js';
import { usageRecord } from './records.js';

const [databaseUrl, dataDir] = process.argv.slice(2) as [string, string];
const logger = pino({ level: 'warn' }, process.stderr) as unknown as Logger;
const storage = await openStorage({ ...(databaseUrl !== '' && { databaseUrl }), dataDir, logger });
let handed = 0;
const ts = Date.now();
setInterval(() => {
  for (let i = 0; i < 20; i++) storage.ledger.record(usageRecord({ requestId: `r${handed++}`, keyId: 'kill', ts, cost: 1 }));
  process.stdout.write(`${handed}\n`);
}, 2);
