import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `check()` holds (polling every 10 ms); throws naming `what`
 * after `ms` (a function is called then, so it can tell the last state).
 */
export async function until(check: () => boolean | Promise<boolean>, what: string | (() => string), ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(10);
  }
}
