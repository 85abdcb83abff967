import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Admission, Lease, Limiter } from '../../src/limits/index.js';

/** A clock the tests move by hand. */
export interface ManualClock {
  t: number;
  readonly now: () => number;
}

export function manualClock(start = Date.UTC(2030, 0, 7, 12, 0, 0)): ManualClock {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

/** Two instances over one shared state (in memory: one instance, twice), on a clock of the test's own. */
export interface LimiterWorld {
  readonly a: Limiter;
  readonly b: Limiter;
  close(): Promise<void>;
}

export type OpenLimiters = (clock: () => number) => Promise<LimiterWorld>;

function admitted(a: Admission): Lease {
  assert.ok(a.ok, `expected an admission, got a refusal by ${a.ok ? '' : `${a.scope} (${a.limit})`}`);
  return a.lease;
}

function refusal(a: Admission): Extract<Admission, { ok: false }> {
  assert.equal(a.ok, false, 'expected a refusal');
  return a as Extract<Admission, { ok: false }>;
}

/**
 * What every Limiter must do (Hono's runTest style): `open` builds two
 * instances over one fresh state. Run by memory-limiter.test.ts and
 * redis-limiter.test.ts.
 */
export function limiterContract(name: string, open: OpenLimiters, skip: string | false = false): void {
  describe(`${name}: the Limiter contract`, { skip }, () => {
    /** A test on a fresh world of its own, closed at the end. */
    const inWorld = (title: string, body: (w: LimiterWorld & { clock: ManualClock }) => Promise<void>): void => {
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

    inWorld('rpm: exactly rpm requests pass in a window; the next one is told when the oldest ages out', async (w) => {
      const key = { id: 'key:a', rpm: 3 };
      for (let i = 0; i < 3; i++) {
        const a = await w.a.admit([key], { estimatedTokens: 0 });
        admitted(a);
        assert.deepEqual(a.scopes[0]!.requests, { limit: 3, remaining: 2 - i, resetMs: 60_000 });
        w.clock.t += 10_000;
      }
      const r = refusal(await w.b.admit([key], { estimatedTokens: 0 }));
      assert.equal(r.scope, 'key:a');
      assert.equal(r.limit, 'rpm');
      assert.equal(r.exceedsLimit, false);
      assert.equal(r.retryAfterMs, 30_000, 'the first entry (t=0) leaves the window at t=60 s; now is t=30 s');
      assert.deepEqual(r.scopes[0]!.requests, { limit: 3, remaining: 0, resetMs: 50_000 }, 'the newest (t=20 s) leaves at t=80 s');
      w.clock.t += 30_000; // t = 60 s: the first has aged out
      admitted(await w.b.admit([key], { estimatedTokens: 0 }));
      refusal(await w.a.admit([key], { estimatedTokens: 0 }));
    });

    inWorld('an rpm of 60 holds exactly under 300 concurrent admits split between two instances', async (w) => {
      const scopes = [{ id: 'key:hot', rpm: 60 }, { id: 'acct:hot', rpm: 1000 }];
      const all = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? w.a : w.b).admit(scopes, { estimatedTokens: 10 })));
      assert.equal(all.filter((a) => a.ok).length, 60);
      for (const a of all) if (!a.ok) assert.equal(a.scope, 'key:hot');
      // The account counted only the 60 admitted (refusals count nowhere).
      const next = await w.a.admit([{ id: 'acct:hot', rpm: 1000 }], { estimatedTokens: 0 });
      assert.equal(admitted(next) && next.scopes[0]!.requests!.remaining, 1000 - 61);
    });

    inWorld('a request refused for concurrency counts against no rpm (LiteLLM #39309)', async (w) => {
      const key = { id: 'key:c', rpm: 5 };
      const account = { id: 'acct:c', maxConcurrency: 1 };
      const first = admitted(await w.a.admit([key, account], { estimatedTokens: 0 }));
      for (let i = 0; i < 4; i++) {
        const r = refusal(await w.b.admit([key, account], { estimatedTokens: 0 }));
        assert.equal(r.scope, 'acct:c');
        assert.equal(r.limit, 'concurrency');
        assert.equal(r.retryAfterMs, 1000);
        assert.deepEqual(r.scopes[0]!.requests, { limit: 5, remaining: 4, resetMs: 60_000 });
        assert.deepEqual(r.scopes[1]!.concurrency, { limit: 1, inFlight: 1 });
      }
      await first.release();
      for (let i = 0; i < 4; i++) await admitted(await w.a.admit([key, account], { estimatedTokens: 0 })).release();
      assert.equal(refusal(await w.a.admit([key, account], { estimatedTokens: 0 })).limit, 'rpm');
    });

    inWorld('a request refused for rpm takes no concurrency slot nor tokens', async (w) => {
      const key = { id: 'key:d', rpm: 1 };
      const account = { id: 'acct:d', maxConcurrency: 1, tpm: 100 };
      await admitted(await w.a.admit([key], { estimatedTokens: 0 })).release();
      refusal(await w.a.admit([key, account], { estimatedTokens: 60 }));
      const a = await w.b.admit([account], { estimatedTokens: 60 });
      admitted(a);
      assert.deepEqual(a.scopes[0], { id: 'acct:d', tokens: { limit: 100, remaining: 40, resetMs: 60_000 }, concurrency: { limit: 1, inFlight: 1 } });
    });

    inWorld('tpm: the estimate counts until release puts the real count in its place', async (w) => {
      const key = { id: 'key:t', tpm: 1000 };
      const one = admitted(await w.a.admit([key], { estimatedTokens: 400 }));
      admitted(await w.b.admit([key], { estimatedTokens: 400 }));
      w.clock.t += 5_000;
      const r = refusal(await w.a.admit([key], { estimatedTokens: 400 }));
      assert.equal(r.limit, 'tpm');
      assert.equal(r.retryAfterMs, 55_000, 'the first 400 free at t=60 s');
      assert.deepEqual(r.scopes[0]!.tokens, { limit: 1000, remaining: 200, resetMs: 55_000 });
      await one.release({ tokens: 100 }); // 100 + 400 used now
      const a = await w.b.admit([key], { estimatedTokens: 400 });
      admitted(a);
      assert.deepEqual(a.scopes[0]!.tokens, { limit: 1000, remaining: 100, resetMs: 60_000 });
    });

    inWorld('tpm: a request over the limit on its own is refused as such', async (w) => {
      const r = refusal(await w.a.admit([{ id: 'key:big', tpm: 1000, rpm: 10 }], { estimatedTokens: 1001 }));
      assert.equal(r.limit, 'tpm');
      assert.equal(r.exceedsLimit, true);
      assert.deepEqual(r.scopes[0]!.requests, { limit: 10, remaining: 10, resetMs: 0 });
      admitted(await w.a.admit([{ id: 'key:big', tpm: 1000 }], { estimatedTokens: 1000 }));
    });

    inWorld('tpm: tokens over the estimate of a request that outlived the window count from its end', async (w) => {
      const key = { id: 'key:long', tpm: 1000 };
      const long = admitted(await w.a.admit([key], { estimatedTokens: 300 }));
      w.clock.t += 90_000; // the estimate's entry has aged out
      await long.release({ tokens: 800 });
      const a = await w.b.admit([key], { estimatedTokens: 0 });
      assert.equal(admitted(a) && a.scopes[0]!.tokens!.remaining, 500);
    });

    inWorld('concurrency: slots are held until release; a second release frees nothing more', async (w) => {
      const key = { id: 'key:k', maxConcurrency: 2 };
      const one = admitted(await w.a.admit([key], { estimatedTokens: 0 }));
      const two = admitted(await w.b.admit([key], { estimatedTokens: 0 }));
      assert.equal(refusal(await w.a.admit([key], { estimatedTokens: 0 })).limit, 'concurrency');
      await one.release();
      await one.release();
      const three = await w.a.admit([key], { estimatedTokens: 0 });
      assert.deepEqual(admitted(three) && three.scopes[0]!.concurrency, { limit: 2, inFlight: 2 });
      assert.equal(refusal(await w.b.admit([key], { estimatedTokens: 0 })).limit, 'concurrency', 'the double release must not free the other lease');
      await two.release();
    });

    inWorld('an aborted request frees its slot (the release in a finally; LiteLLM #27955, #20256)', async (w) => {
      const key = { id: 'key:abort', maxConcurrency: 1 };
      let markAdmitted!: () => void;
      const isAdmitted = new Promise<void>((resolve) => { markAdmitted = resolve; });
      const serve = async (signal: AbortSignal): Promise<void> => {
        const lease = admitted(await w.a.admit([key], { estimatedTokens: 50 }));
        markAdmitted();
        try {
          await new Promise<void>((_, reject) => { signal.addEventListener('abort', () => reject(signal.reason)); });
        } finally {
          await lease.release({ tokens: 7 });
        }
      };
      const controller = new AbortController();
      const serving = serve(controller.signal);
      await isAdmitted;
      assert.equal(refusal(await w.b.admit([key], { estimatedTokens: 0 })).limit, 'concurrency');
      controller.abort(new Error('client closed'));
      await assert.rejects(serving, /client closed/);
      admitted(await w.b.admit([key], { estimatedTokens: 0 }));
    });

    inWorld('a lease nobody releases stops counting by itself', async (w) => {
      const key = { id: 'key:leak', maxConcurrency: 1 };
      admitted(await w.a.admit([key], { estimatedTokens: 0 }));
      assert.equal(refusal(await w.b.admit([key], { estimatedTokens: 0 })).limit, 'concurrency');
      w.clock.t += 3_600_001; // past any lease's lifetime
      admitted(await w.b.admit([key], { estimatedTokens: 0 }));
    });

    inWorld('cancel: a request admitted and then not served counts against nothing', async (w) => {
      const key = { id: 'key:x', rpm: 2, tpm: 100, maxConcurrency: 1 };
      const lease = admitted(await w.a.admit([key], { estimatedTokens: 90 }));
      await lease.cancel();
      await lease.release({ tokens: 90 }); // after cancel: nothing
      const a = await w.b.admit([key], { estimatedTokens: 90 });
      admitted(a);
      assert.deepEqual(a.scopes[0], {
        id: 'key:x', requests: { limit: 2, remaining: 1, resetMs: 60_000 }, tokens: { limit: 100, remaining: 10, resetMs: 60_000 }, concurrency: { limit: 1, inFlight: 1 },
      });
    });

    inWorld('of several refusing scopes, the one that frees last is named; a limit of 0 refuses as exceeded', async (w) => {
      const key = { id: 'key:s', rpm: 1 };
      const account = { id: 'acct:s', rpm: 1 };
      await admitted(await w.a.admit([account], { estimatedTokens: 0 })).release();
      w.clock.t += 20_000;
      await admitted(await w.a.admit([key], { estimatedTokens: 0 })).release();
      const r = refusal(await w.b.admit([account, key], { estimatedTokens: 0 }));
      assert.equal(r.scope, 'key:s');
      assert.equal(r.retryAfterMs, 60_000);
      const zero = refusal(await w.b.admit([key, { id: 'acct:off', rpm: 0 }], { estimatedTokens: 0 }));
      assert.equal(zero.scope, 'acct:off');
      assert.equal(zero.exceedsLimit, true);
    });

    inWorld('scopes without limits admit and report only their id', async (w) => {
      const a = await w.a.admit([{ id: 'key:free' }], { estimatedTokens: 10 });
      assert.deepEqual(admitted(a) && a.scopes, [{ id: 'key:free' }]);
      await admitted(a).release({ tokens: 3 });
      const mixed = await w.a.admit([{ id: 'key:free' }, { id: 'acct:m', rpm: 5 }], { estimatedTokens: 0 });
      assert.deepEqual(admitted(mixed) && mixed.scopes, [{ id: 'key:free' }, { id: 'acct:m', requests: { limit: 5, remaining: 4, resetMs: 60_000 } }]);
    });

    inWorld('an explicit `now` is the time of that call', async (w) => {
      const key = { id: 'key:now', rpm: 1 };
      admitted(await w.a.admit([key], { estimatedTokens: 0, now: w.clock.t - 60_000 }));
      refusal(await w.a.admit([key], { estimatedTokens: 0, now: w.clock.t - 1 }));
      admitted(await w.b.admit([key], { estimatedTokens: 0 }));
    });

    inWorld('a negative or fractional token count is a programming error', async (w) => {
      await assert.rejects(w.a.admit([{ id: 'key:n', tpm: 10 }], { estimatedTokens: -1 }), RangeError);
      await assert.rejects(w.a.admit([{ id: 'key:n', tpm: 10 }], { estimatedTokens: 1.5 }), RangeError);
    });
  });
}
