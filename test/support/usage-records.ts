import type { StoredUsageRecord } from '../../src/storage/index.js';
import type { TestServer } from './lingua.js';

/** The server's usage records, newest first, once every record still queued is written. */
export async function usageRecords(server: TestServer, limit = 500): Promise<StoredUsageRecord[]> {
  const { storage } = server.lingua.platform;
  await storage.ledger.flush();
  return (await storage.usage.requests({ limit })).rows;
}
