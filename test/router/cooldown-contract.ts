import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CooldownPolicy, CooldownStore } from '../../src/router/cooldowns.js';
import { manualClock, type ManualClock } from '../limits/limiter-contract.js';

/** Two instances over one shared state (in memory: one store, twice), on a clock of the test's own. */
export interface CooldownWorld {
  readonly a: CooldownStore;
  readonly b: CooldownStore;
  close(): Promise<void>;
}

export type OpenCooldowns = (clock: () => number) => Promise<CooldownWorld>;

const policy: CooldownPolicy = { failures: 3, windowMs: 60_000, durationMs: 30_000 };

/** The behaviour every CooldownStore has (docs/routing.md, "Cooldowns"). */
export function cooldownContract(name: string, open: OpenCooldowns, skip: string | false = false): void {
  describe(`${name} (cooldown contract)`, { skip }, () => {
    const world = (title: string, body: (w: CooldownWorld & { clock: ManualClock }) => Promise<void>) => {
      test(title, async () => {
        const clock = manualClock();
        const w = { ...(await open(clock.now)), clock };
        try {
          await body(w);
        } finally {
          await w.close();
        }
      });
    };

    world('N failures within the window open the breaker for the duration; fewer do not', async ({ a, clock }) => {
      assert.equal(await a.fail('p/m', policy), undefined);
      clock.t += 1000;
      assert.equal(await a.fail('p/m', policy), undefined);
      assert.equal(a.until('p/m'), undefined);
      clock.t += 1000;
      assert.equal(await a.fail('p/m', policy), clock.t + 30_000);
      assert.equal(a.until('p/m'), clock.t + 30_000);
      assert.equal(a.until('p/other'), undefined, 'other targets are not touched');
    });

    world('failures older than the window no longer count', async ({ a, clock }) => {
      await a.fail('p/m', policy);
      await a.fail('p/m', policy);
      clock.t += 60_000;
      assert.equal(await a.fail('p/m', policy), undefined);
      assert.equal(await a.fail('p/m', policy), undefined);
      assert.equal(a.until('p/m'), undefined);
      assert.equal(await a.fail('p/m', policy), clock.t + 30_000);
    });

    world('failures: 0 never opens it', async ({ a }) => {
      for (let i = 0; i < 10; i++) assert.equal(await a.fail('p/m', { ...policy, failures: 0 }), undefined);
      assert.equal(a.until('p/m'), undefined);
    });

    world('while open, failures change nothing; once over, one probe may go, and its failure opens it again at once', async ({ a, b, clock }) => {
      for (let i = 0; i < 3; i++) await a.fail('p/m', policy);
      const until = clock.t + 30_000;
      clock.t += 10_000;
      assert.equal(await a.fail('p/m', policy), undefined);
      assert.equal(a.until('p/m'), until);
      clock.t = until;
      await b.sync();
      assert.equal(b.until('p/m'), until, 'half-open: the record stays, its end passed');
      assert.equal(await a.claimProbe('p/m', 5000), true);
      assert.equal(await b.claimProbe('p/m', 5000), false, 'one probe, whichever instance asks');
      assert.equal(await a.claimProbe('p/m', 5000), false);
      clock.t += 1000;
      assert.equal(await a.fail('p/m', policy), clock.t + 30_000, 'a failed probe opens it again');
      assert.equal(a.until('p/m'), clock.t + 30_000);
    });

    world('a probe that never settles lets another go once its claim lapses', async ({ a, b, clock }) => {
      for (let i = 0; i < 3; i++) await a.fail('p/m', policy);
      clock.t += 30_000;
      assert.equal(await a.claimProbe('p/m', 50), true);
      await new Promise((r) => setTimeout(r, 80)); // Redis lapses claims in real time
      clock.t += 80;
      assert.equal(await b.claimProbe('p/m', 50), true);
    });

    world("a probe's success closes it, on every instance, and failures count from zero again", async ({ a, b, clock }) => {
      for (let i = 0; i < 3; i++) await a.fail('p/m', policy);
      clock.t += 30_000;
      assert.equal(await a.claimProbe('p/m', 5000), true);
      await a.succeed('p/m');
      assert.equal(a.until('p/m'), undefined);
      await b.sync();
      assert.equal(b.until('p/m'), undefined);
      assert.equal(await b.fail('p/m', policy), undefined);
      assert.equal(await b.fail('p/m', policy), undefined);
      assert.equal(b.until('p/m'), undefined);
    });

    world('a success while it is still open changes nothing', async ({ a, clock }) => {
      for (let i = 0; i < 3; i++) await a.fail('p/m', policy);
      clock.t += 10_000;
      await a.succeed('p/m');
      assert.equal(a.until('p/m'), clock.t + 20_000);
    });

    world("instances count failures together and see each other's breakers", async ({ a, b, clock }) => {
      await a.fail('p/m', policy);
      await b.fail('p/m', policy);
      assert.equal(await a.fail('p/m', policy), clock.t + 30_000);
      await b.sync();
      assert.equal(b.until('p/m'), clock.t + 30_000);
    });
  });
}
