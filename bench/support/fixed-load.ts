import { Pool } from 'undici';

/**
 * Sends exactly `count` POSTs of `body` to `url`, `concurrency` at a time,
 * reading each answer whole; resolves with how many were not 2xx. For loads
 * measured by the work they cause rather than by time (instruction counts).
 */
export async function sendRequests(url: string, body: string, count: number, concurrency: number): Promise<number> {
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections: concurrency });
  let sent = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent++;
      const res = await pool.request({ method: 'POST', path: pathname, headers: { 'content-type': 'application/json' }, body });
      await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) failed++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  return failed;
}
