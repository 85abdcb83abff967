import { Redis } from 'ioredis';
import { after } from 'node:test';
import { pino } from 'pino';
import { redisUrl } from '../support/services.js';

export const silent = pino({ level: 'silent' });

/** Makes Redis connections (one per "instance"), as createLimits does, all closed when the file's tests end. */
export function redisClients(): () => Redis {
  const clients: Redis[] = [];
  after(async () => { await Promise.all(clients.map((c) => c.quit())); });
  return () => {
    const c = new Redis(redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
}
