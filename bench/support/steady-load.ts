import { Pool } from 'undici';

/** A load that keeps `concurrency` POSTs in flight until stopped, counting the answers. */
export interface SteadyLoad {
  /** Answers read so far. */
  readonly completed: number;
  /** Answers that were not 2xx, and requests that failed. */
  readonly failed: number;
  /** Resolves once `completed` reaches `count`. */
  reach(count: number): Promise<void>;
  /** Lets the requests in flight finish, sends no more. */
  stop(): Promise<void>;
}

/**
 * POSTs `body` to `url` with `concurrency` requests always in flight, each
 * answer read whole. For loads measured by the work they cause between two
 * moments rather than by time (instruction counts): the target never idles
 * between those moments.
 */
export function steadyLoad(url: string, body: string, concurrency: number, extraHeaders: Record<string, string> = {}): SteadyLoad {
  const { origin, pathname } = new URL(url);
  const headers = { 'content-type': 'application/json', ...extraHeaders };
  const pool = new Pool(origin, { connections: concurrency });
  let completed = 0;
  let failed = 0;
  let stopped = false;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const worker = async (): Promise<void> => {
    while (!stopped) {
      try {
        const res = await pool.request({ method: 'POST', path: pathname, headers, body });
        await res.body.text();
        if (res.statusCode < 200 || res.statusCode >= 300) failed++;
      } catch {
        failed++; // counted and reported; the load goes on
      }
      completed++;
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (completed >= waiters[i]!.count) waiters.splice(i, 1)[0]!.resolve();
      }
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    get completed() { return completed; },
    get failed() { return failed; },
    reach: (count) => (completed >= count ? Promise.resolve() : new Promise((resolve) => { waiters.push({ count, resolve }); })),
    stop: async () => {
      stopped = true;
      await workers;
      await pool.close();
    },
  };
}
