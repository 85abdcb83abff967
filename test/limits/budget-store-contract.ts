import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import type { BudgetOutcome, BudgetScope, BudgetSeed, BudgetStore, Reservation } from '../../src/limits/index.js';
import { manualClock, type ManualClock } from './limiter-contract.js';

/** Two instances over one shared state (in memory: one instance, twice). */
export interface BudgetWorld {
  readonly a: BudgetStore;
  readonly b: BudgetStore;
  close(): Promise<void>;
}

export type OpenBudgets = (clock: () => number, seed: BudgetSeed) => Promise<BudgetWorld>;

/** The ledger as the stores see it: figures the test sets, and the calls made. */
export class FakeLedger {
  readonly spent = new Map<string, number>();
  readonly calls: string[] = [];
  failing = false;

  readonly seed: BudgetSeed = async (scopeId, periodStart) => {
    this.calls.push(`${scopeId}@${new Date(periodStart).toISOString()}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error('ledger down');
    return this.spent.get(scopeId) ?? 0;
  };
}

export function reserved(o: BudgetOutcome): Reservation {
  assert.ok(o.ok, `expected a reservation, got a refusal by ${o.ok ? '' : o.scope}`);
  return o.reservation;
}

export function refused(o: BudgetOutcome): Extract<BudgetOutcome, { ok: false }> {
  assert.equal(o.ok, false, 'expected a refusal');
  return o as Extract<BudgetOutcome, { ok: false }>;
}

const day = (limit: number, id = 'key:a'): BudgetScope => ({ id, limit, period: 'day' });
let nextRequest = 0;
const req = (): { requestId: string } => ({ requestId: `req_${nextRequest++}` });

/**
 * What every BudgetStore must do (Hono's runTest style): `open` builds two
 * instances over one fresh state. Run by memory-budget-store.test.ts and
 * redis-budget-store.test.ts.
 */
export function budgetStoreContract(name: string, open: OpenBudgets, skip: string | false = false): void {
  describe(`${name}: the BudgetStore contract`, { skip }, () => {
    type World = BudgetWorld & { clock: ManualClock; ledger: FakeLedger };
    const inWorld = (title: string, body: (w: World) => Promise<void>): void => {
      test(title, async () => {
        const clock = manualClock(); // Monday 2030-01-07 12:00 UTC
        const ledger = new FakeLedger();
        const w = { ...(await open(clock.now, ledger.seed)), clock, ledger };
        try {
          await body(w);
        } finally {
          await w.close();
        }
      });
    };

    inWorld('a reservation that does not fit is refused, naming the scope, what it spent and when it resets', async (w) => {
      const key = day(1000);
      await reserved(await w.a.reserve([key], 700, req())).settle(650);
      const r = refused(await w.b.reserve([key], 400, req()));
      assert.deepEqual(r, { ok: false, scope: 'key:a', period: 'day', limit: 1000, spent: 650, reserved: 0, resetsAt: Date.UTC(2030, 0, 8) });
      reserved(await w.b.reserve([key], 350, req()));
    });

    inWorld('open reservations count until settled; settle adds the real cost and lets the rest go', async (w) => {
      const key = day(100);
      const first = reserved(await w.a.reserve([key], 60, req()));
      assert.equal(refused(await w.b.reserve([key], 60, req())).reserved, 60);
      await first.settle(10);
      assert.deepEqual(await w.b.status(key), { spent: 10, reserved: 0, limit: 100, remaining: 90, periodStart: Date.UTC(2030, 0, 7), resetsAt: Date.UTC(2030, 0, 8) });
      const second = reserved(await w.b.reserve([key], 60, req()));
      assert.equal((await w.a.status(key)).remaining, 30);
      await second.settle(0); // a failed call that used nothing
      assert.equal((await w.a.status(key)).spent, 10);
    });

    inWorld('all scopes or none: a refusal by the account holds nothing on the key', async (w) => {
      const key = day(1000, 'key:k');
      const account = { id: 'acct:k', limit: 100, period: 'month' } as const;
      const r = refused(await w.a.reserve([key, account], 150, req()));
      assert.equal(r.scope, 'acct:k');
      assert.equal(r.resetsAt, Date.UTC(2030, 1, 1));
      assert.equal((await w.b.status(key)).reserved, 0);
      reserved(await w.b.reserve([key, account], 100, req()));
      assert.equal((await w.a.status(key)).reserved, 100);
    });

    inWorld('settle counts once per request id (Bifrost de-dup): twice, or through a second reserve of the same id', async (w) => {
      const key = day(1000);
      const one = reserved(await w.a.reserve([key], 100, { requestId: 'req_same' }));
      const again = reserved(await w.a.reserve([key], 100, { requestId: 'req_same' }));
      assert.equal((await w.b.status(key)).reserved, 100, 'the open request id is held once');
      await one.settle(80);
      await one.settle(80);
      await again.settle(80);
      assert.deepEqual(await w.b.status(key), { spent: 80, reserved: 0, limit: 1000, remaining: 920, periodStart: Date.UTC(2030, 0, 7), resetsAt: Date.UTC(2030, 0, 8) });
    });

    inWorld('50 concurrent reservations split between two instances: exactly as many as fit', async (w) => {
      const key = day(1000);
      const account = { id: 'acct:c', limit: 5000, period: 'none' } as const;
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? w.a : w.b).reserve([key, account], 100, req())));
      assert.equal(all.filter((o) => o.ok).length, 10);
      assert.deepEqual({ ...(await w.a.status(account)), periodStart: 0 }, { spent: 0, reserved: 1000, limit: 5000, remaining: 4000, periodStart: 0, resetsAt: null });
    });

    inWorld('50 concurrent requests split between two instances never together overspend (LiteLLM #34732, new-api #5690)', async (w) => {
      const key = day(1000);
      let settled = 0;
      const request = async (i: number): Promise<void> => {
        const store = i % 2 ? w.a : w.b;
        const outcome = await store.reserve([key], 100, req()); // the worst case
        if (!outcome.ok) return;
        for (let k = 0; k < i % 5; k++) await new Promise((resolve) => setImmediate(resolve));
        const actual = 40 + ((i * 37) % 61); // 40..100, never above the reservation
        settled += actual;
        await outcome.reservation.settle(actual);
      };
      await Promise.all(Array.from({ length: 50 }, (_, i) => request(i)));
      assert.ok(settled <= 1000, `settled ${settled}`);
      assert.ok(settled >= 400, `settled ${settled}: at least the first ten`);
      const status = await w.a.status(key);
      assert.equal(status.spent, settled);
      assert.equal(status.reserved, 0);
    });

    inWorld('the figure of a scope comes from the ledger on first use, once', async (w) => {
      w.ledger.spent.set('key:a', 900);
      const outcomes = await Promise.all([w.a.reserve([day(1000)], 200, req()), w.b.reserve([day(1000)], 200, req()), w.a.reserve([day(1000)], 50, req())]);
      assert.deepEqual(outcomes.map((o) => o.ok), [false, false, true]);
      assert.equal(refused(outcomes[0]!).spent, 900);
      assert.ok(w.ledger.calls.length >= 1 && w.ledger.calls.length <= 2, `${w.ledger.calls.length} seeds: one per instance at most`);
      assert.ok(w.ledger.calls.every((c) => c === 'key:a@2030-01-07T00:00:00.000Z'));
      const calls = w.ledger.calls.length;
      await w.a.reserve([day(1000)], 10, req());
      assert.equal(w.ledger.calls.length, calls, 'no seed once the figure is known');
    });

    inWorld('periods reset on the clock: day at 00:00 UTC, week on Monday, month on the 1st; none never', async (w) => {
      const scopes: BudgetScope[] = [
        { id: 'd', limit: 100, period: 'day' }, { id: 'w', limit: 100, period: 'week' }, { id: 'm', limit: 100, period: 'month' }, { id: 'n', limit: 100, period: 'none' },
      ];
      await reserved(await w.a.reserve(scopes, 100, req())).settle(100);
      const at = async (t: number): Promise<string[]> => {
        w.clock.t = t;
        const open: string[] = [];
        for (const s of scopes) if ((await w.b.status(s)).remaining > 0) open.push(s.id);
        return open;
      };
      assert.deepEqual(await at(Date.UTC(2030, 0, 7, 23, 59, 59, 999)), []);
      assert.deepEqual(await at(Date.UTC(2030, 0, 8)), ['d']);
      assert.deepEqual(await at(Date.UTC(2030, 0, 13, 23, 59)), ['d']);
      assert.deepEqual(await at(Date.UTC(2030, 0, 14)), ['d', 'w']); // Monday
      assert.deepEqual(await at(Date.UTC(2030, 1, 1)), ['d', 'w', 'm']);
      const none = await w.a.status(scopes[3]!);
      assert.equal(none.resetsAt, null);
      assert.equal(none.spent, 100);
      assert.ok(w.ledger.calls.includes('n@1970-01-01T00:00:00.000Z'), 'none is seeded from the start of time');
      assert.ok(w.ledger.calls.includes('w@2030-01-14T00:00:00.000Z'));
      assert.ok(w.ledger.calls.includes('m@2030-02-01T00:00:00.000Z'));
    });

    inWorld('a reservation nobody settles stops counting by itself; settled late, it is charged once', async (w) => {
      const key = day(100);
      const lost = reserved(await w.a.reserve([key], 80, req()));
      refused(await w.b.reserve([key], 80, req()));
      w.clock.t += 3_600_001; // past any reservation's lifetime
      const next = reserved(await w.b.reserve([key], 80, req()));
      await lost.settle(15);
      await lost.settle(15);
      assert.deepEqual(await w.a.status(key), { spent: 15, reserved: 80, limit: 100, remaining: 5, periodStart: Date.UTC(2030, 0, 7), resetsAt: Date.UTC(2030, 0, 8) });
      await next.settle(5);
    });

    inWorld('a ledger that cannot answer fails the reservation closed (503), and is asked again next time', async (w) => {
      w.ledger.failing = true;
      await assert.rejects(w.a.reserve([day(100)], 10, req()), (e: unknown) => e instanceof LinguaError && e.status === 503 && e.code === 'budgets_unavailable');
      w.ledger.failing = false;
      reserved(await w.a.reserve([day(100)], 10, req()));
    });

    inWorld('no scopes: nothing to hold; amounts must be non-negative integers of nano-USD', async (w) => {
      await reserved(await w.a.reserve([], 10, req())).settle(3);
      await assert.rejects(w.a.reserve([day(100)], -1, req()), RangeError);
      await assert.rejects(w.a.reserve([day(100)], 0.5, req()), RangeError);
      const r = reserved(await w.a.reserve([day(100)], 10, req()));
      assert.throws(() => r.settle(-3), RangeError);
    });
  });
}
