import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { randomId } from '../../src/lib/ids.js';
import {
  InvalidCursorError, LedgerWriter, UnknownAccountError,
  type Storage, type UsageRecord,
} from '../../src/storage/index.js';
import { until } from '../support/until.js';
import { capturedLogger, DAY, HOUR, usageRecord } from './support/records.js';

/**
 * Opens a Storage on the database under test: the first call creates it,
 * later ones open the same database again (another connection, another clock).
 */
export type OpenStorage = (options?: { now?: () => number; responsesRetentionDays?: number }) => Promise<Storage>;

const keyHash = (c: string) => c.repeat(64);

/**
 * The tests every storage backend passes (SQLite and PostgreSQL): the same
 * repositories, queries and ledger writer, run by sqlite.test.ts and
 * postgres.test.ts. Tests share one database, so each uses ids and a time
 * range of its own.
 */
export function storageContract(open: OpenStorage): void {
  let s: Storage;
  let nextMonth = 0;
  /** A time range no other test uses: the start of a month of its own, from 2031. */
  const ownMonth = () => Date.UTC(2031, nextMonth++, 1);
  const newKey = (over: { accountId?: string | null; models?: string[] } = {}) => {
    const id = randomId('', 12);
    return s.keys.create({ id, secretHash: keyHash('a'), start: `sk-lingua-${id}`, name: `key ${id}`, ...over });
  };

  before(async () => { s = await open(); });
  after(() => s.close());

  describe('accounts', () => {
    test('create, get, list, update, delete', async () => {
      const a = await s.accounts.create({ name: 'Team A', email: 'a@example.com', rpm: 60, budget: 5_000_000_000, budgetPeriod: 'month', metadata: { tier: 'gold', n: [1, 2] } });
      assert.match(a.id, /^acct_[A-Za-z0-9]{16}$/);
      assert.equal(a.status, 'active');
      assert.deepEqual({ ...a, id: '', createdAt: 0, updatedAt: 0 }, {
        id: '', name: 'Team A', email: 'a@example.com', status: 'active', rpm: 60, tpm: null, maxConcurrency: null,
        budget: 5_000_000_000, budgetPeriod: 'month', metadata: { tier: 'gold', n: [1, 2] }, createdAt: 0, updatedAt: 0,
      });
      assert.deepEqual(await s.accounts.get(a.id), a);

      const b = await s.accounts.create({ name: 'Team B' });
      const ids = (await s.accounts.list()).map((x) => x.id);
      assert.ok(ids.indexOf(a.id) >= 0 && ids.indexOf(a.id) < ids.indexOf(b.id), 'oldest first');

      const changed = await s.accounts.update(a.id, { status: 'disabled', rpm: null, tpm: 1000 });
      assert.equal(changed?.status, 'disabled');
      assert.equal(changed?.rpm, null);
      assert.equal(changed?.tpm, 1000);
      assert.equal(changed?.name, 'Team A', 'fields not in the patch stay');
      assert.equal(changed?.budget, 5_000_000_000);
      assert.ok(changed!.updatedAt > a.updatedAt);
      assert.equal(await s.accounts.update('acct_nope', { name: 'x' }), undefined);

      assert.equal(await s.accounts.delete(b.id), true);
      assert.equal(await s.accounts.get(b.id), undefined);
      assert.equal(await s.accounts.delete(b.id), false);
    });

    test("deleting an account revokes its keys, as a change the key cache sees", async () => {
      const a = await s.accounts.create({ name: 'Leaving' });
      const k1 = await newKey({ accountId: a.id });
      const k2 = await newKey({ accountId: a.id });
      const other = await newKey();
      const seen = Math.max(k1.updatedAt, k2.updatedAt, other.updatedAt);
      assert.equal(await s.accounts.delete(a.id), true);
      const changed = await s.keys.changedSince(seen);
      assert.deepEqual(changed.map((k) => k.id).sort(), [k1.id, k2.id].sort());
      for (const k of changed) {
        assert.notEqual(k.revokedAt, null);
        assert.equal(k.accountId, a.id, 'the key keeps its account id');
      }
      assert.equal((await s.keys.get(other.id))?.revokedAt, null);
    });
  });

  describe('api keys', () => {
    test('create keeps the hash, never a secret; get and list', async () => {
      const a = await s.accounts.create({ name: 'Keys' });
      const k = await s.keys.create({
        id: 'AbCdEf123456', secretHash: keyHash('b'), start: 'sk-lingua-AbCdEf123456', name: 'ci', accountId: a.id,
        models: ['gpt-4o', 'claude-*'], rpm: 10, tpm: 2000, maxConcurrency: 2, budget: 1_000_000, budgetPeriod: 'day',
        expiresAt: Date.UTC(2040, 0, 1), metadata: { owner: 'ci' },
      });
      assert.deepEqual({ ...k, createdAt: 0, updatedAt: 0 }, {
        id: 'AbCdEf123456', start: 'sk-lingua-AbCdEf123456', accountId: a.id, name: 'ci', models: ['gpt-4o', 'claude-*'],
        rpm: 10, tpm: 2000, maxConcurrency: 2, budget: 1_000_000, budgetPeriod: 'day', metadata: { owner: 'ci' },
        expiresAt: Date.UTC(2040, 0, 1), revokedAt: null, secretHash: keyHash('b'), previousHash: null, previousExpiresAt: null,
        createdAt: 0, updatedAt: 0, lastUsedAt: null,
      });
      assert.deepEqual(await s.keys.get(k.id), k);
      assert.equal(await s.keys.get('nope'), undefined);
      const plain = await newKey();
      assert.deepEqual(plain.models, [], 'no models = every model');

      assert.deepEqual((await s.keys.list({ accountId: a.id })).map((x) => x.id), [k.id]);
      const all = (await s.keys.list()).map((x) => x.id);
      assert.ok(all.includes(k.id) && all.includes(plain.id));
    });

    test('a key for an account that does not exist is refused', async () => {
      await assert.rejects(newKey({ accountId: 'acct_missing' }), UnknownAccountError);
      const k = await newKey();
      await assert.rejects(s.keys.update(k.id, { accountId: 'acct_missing' }), UnknownAccountError);
    });

    test('update changes what the patch names; null clears', async () => {
      const k = await newKey();
      const u = await s.keys.update(k.id, { name: 'renamed', models: ['a'], rpm: 5, expiresAt: 123, metadata: { x: 1 } });
      assert.equal(u?.name, 'renamed');
      assert.deepEqual(u?.models, ['a']);
      assert.equal(u?.rpm, 5);
      assert.equal(u?.expiresAt, 123);
      const cleared = await s.keys.update(k.id, { rpm: null, expiresAt: null, metadata: null });
      assert.deepEqual([cleared?.rpm, cleared?.expiresAt, cleared?.metadata, cleared?.name], [null, null, null, 'renamed']);
      assert.equal(await s.keys.update('nope', { name: 'x' }), undefined);
    });

    test('revoke once: a second revoke keeps the first time', async () => {
      const k = await newKey();
      const r1 = await s.keys.revoke(k.id);
      assert.notEqual(r1?.revokedAt, null);
      assert.ok(r1!.updatedAt > k.updatedAt);
      const r2 = await s.keys.revoke(k.id);
      assert.equal(r2?.revokedAt, r1?.revokedAt);
      assert.equal(await s.keys.revoke('nope'), undefined);
    });

    test('rotate: same id, new hash, the old one kept only for the grace period', async () => {
      const k = await newKey();
      const graced = await s.keys.rotate(k.id, keyHash('c'), Date.UTC(2040, 0, 1));
      assert.equal(graced?.id, k.id);
      assert.equal(graced?.secretHash, keyHash('c'));
      assert.equal(graced?.previousHash, keyHash('a'));
      assert.equal(graced?.previousExpiresAt, Date.UTC(2040, 0, 1));
      assert.ok(graced!.updatedAt > k.updatedAt);
      const abrupt = await s.keys.rotate(k.id, keyHash('d'), null);
      assert.equal(abrupt?.secretHash, keyHash('d'));
      assert.equal(abrupt?.previousHash, null);
      assert.equal(abrupt?.previousExpiresAt, null);
      assert.equal(await s.keys.rotate('nope', keyHash('e'), null), undefined);
    });

    test('change stamps are strictly increasing even when the clock stands still', async () => {
      const frozenAt = Date.now();
      const frozen = await open({ now: () => frozenAt });
      try {
        const a = await frozen.accounts.create({ name: 'frozen' });
        const k = await frozen.keys.create({ id: randomId('', 12), secretHash: keyHash('f'), start: 'sk-lingua-x', name: 'f', accountId: a.id });
        const r = await frozen.keys.revoke(k.id);
        const u = await frozen.accounts.update(a.id, { name: 'frozen 2' });
        const stamps = [a.updatedAt, k.updatedAt, r!.updatedAt, u!.updatedAt];
        for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! > stamps[i - 1]!, `stamps ${stamps.join(' ')}`);
        assert.equal(k.createdAt, frozenAt);
        assert.deepEqual((await s.keys.changedSince(k.updatedAt)).map((x) => x.id), [k.id], 'the revocation, not the creation');
        assert.deepEqual((await s.accounts.changedSince(a.updatedAt)).map((x) => x.id), [a.id]);
      } finally {
        await frozen.close();
      }
    });

    test('a poller following changedSince during concurrent writes ends with every key at its last write', async () => {
      const keys = await Promise.all(Array.from({ length: 8 }, () => newKey()));
      let cursor = Math.max(...keys.map((k) => k.updatedAt));
      const seen = new Map<string, number>();
      let writing = true;
      const poller = (async () => {
        for (;;) {
          const done = !writing;
          for (const k of await s.keys.changedSince(cursor)) {
            seen.set(k.id, k.updatedAt);
            cursor = Math.max(cursor, k.updatedAt);
          }
          if (done) return;
        }
      })();
      await Promise.all(keys.map(async (k) => {
        for (let i = 0; i < 15; i++) await s.keys.update(k.id, { rpm: i });
      }));
      writing = false;
      await poller;
      for (const k of keys) {
        const last = await s.keys.get(k.id);
        assert.equal(last?.rpm, 14);
        assert.equal(seen.get(k.id), last?.updatedAt, `key ${k.id}: the poller saw its last write`);
      }
    });

    test('touchLastUsed: batched, never backwards, not a change', async () => {
      const [k1, k2] = [await newKey(), await newKey()];
      const times = new Map<string, number>();
      // More ids than one statement takes: unknown ones first, the real keys in the second chunk.
      for (let i = 0; i < 700; i++) times.set(`unknown${i}`, 1);
      times.set(k1.id, 5000).set(k2.id, 6000);
      await s.keys.touchLastUsed(times);
      assert.equal((await s.keys.get(k1.id))?.lastUsedAt, 5000);
      assert.equal((await s.keys.get(k2.id))?.lastUsedAt, 6000);
      await s.keys.touchLastUsed(new Map([[k1.id, 4000], [k2.id, 7000]]));
      assert.equal((await s.keys.get(k1.id))?.lastUsedAt, 5000, 'an older time does not move it back');
      assert.equal((await s.keys.get(k2.id))?.lastUsedAt, 7000);
      assert.deepEqual(await s.keys.changedSince(k2.updatedAt), [], 'updatedAt did not move');
      await s.keys.touchLastUsed(new Map());
    });
  });

  describe('usage queries', () => {
    /** Records through a ledger writer, committed. */
    async function store(records: UsageRecord[]): Promise<void> {
      const writer = new LedgerWriter(s, capturedLogger().logger);
      for (const r of records) writer.record(r);
      await writer.close();
      assert.equal(writer.stats().committed, records.length);
    }

    test('a record reads back whole (requests), nulls as nulls', async () => {
      const keyId = randomId('', 12);
      const ts = ownMonth() + 1234;
      const full = usageRecord({ ts, keyId, accountId: 'acct_x', errorKind: 'rate_limited', status: 429, estimated: true, unpriced: true, user: 'u-1', stream: false });
      const bare: UsageRecord = {
        requestId: 'caller-chosen-id', ts: ts + 1, keyId, protocol: 'anthropic', endpoint: '/v1/messages', stream: true, status: 401,
        inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, cost: 0, latencyMs: 0, attempts: 0,
      };
      await store([full, bare]);
      const { rows, nextCursor } = await s.usage.requests({ keyId, limit: 10 });
      assert.equal(nextCursor, null);
      assert.deepEqual(rows, [
        { ...bare, accountId: null, model: null, provider: null, upstreamModel: null, errorKind: null, estimated: false, unpriced: false, ttftMs: null, user: null },
        full,
      ]);
    });

    test('requests: newest first, keyset pages without gaps or repeats, filters', async () => {
      const keyId = randomId('', 12);
      const other = randomId('', 12);
      const t0 = ownMonth();
      // 25 records, several sharing a time stamp, so that the id breaks ties.
      const records = Array.from({ length: 25 }, (_, i) => usageRecord({
        ts: t0 + Math.floor(i / 3) * 1000, keyId, accountId: 'acct_pages', model: i % 2 ? 'odd' : 'even', status: i % 5 === 0 ? 500 : 200,
      }));
      await store([...records, usageRecord({ ts: t0, keyId: other, accountId: 'acct_pages' })]);
      const ids: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.usage.requests({ keyId, limit: 10, ...(cursor && { cursor }) });
        ids.push(...page.rows.map((r) => r.requestId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(ids).size, 25);
      assert.deepEqual(ids, records.map((r) => r.requestId).reverse(), 'newest first; the same time in reverse insert order');

      const count = async (q: Partial<Parameters<Storage['usage']['requests']>[0]>) => (await s.usage.requests({ limit: 1000, from: t0, to: t0 + DAY, ...q })).rows.length;
      assert.equal(await count({ accountId: 'acct_pages' }), 26);
      assert.equal(await count({ keyId, model: 'odd' }), 12);
      assert.equal(await count({ keyId, status: 500 }), 5);
      assert.equal(await count({ keyId, from: t0 + 3000, to: t0 + 5000 }), 6);
      await assert.rejects(s.usage.requests({ limit: 10, cursor: 'garbage' }), InvalidCursorError);
    });

    test('summary by key, account and model from the rollups: sums, errors, unpriced, percentiles', async () => {
      const t0 = ownMonth();
      const [k1, k2] = [randomId('', 12), randomId('', 12)];
      const acct = randomId('acct_', 16);
      const records: UsageRecord[] = [];
      for (let i = 1; i <= 100; i++) {
        records.push(usageRecord({ ts: t0 + i * 60_000, keyId: k1, accountId: acct, model: 'big', latencyMs: i * 10, ttftMs: i, cost: 7, inputTokens: 3, outputTokens: 4, cachedInputTokens: 1, reasoningTokens: 2 }));
      }
      for (let i = 0; i < 10; i++) {
        records.push(usageRecord({ ts: t0 + i * HOUR, keyId: k2, accountId: acct, model: 'small', status: i < 3 ? 500 : 200, unpriced: i < 4, cost: i < 4 ? 0 : 50, ttftMs: null }));
      }
      await store(records);
      const range = { from: t0, to: t0 + DAY };

      const byKey = await s.usage.summary({ ...range, accountId: acct, groupBy: 'key' });
      assert.deepEqual(byKey.map((r) => r.group), [k1, k2], 'most cost first');
      const [r1, r2] = byKey as [typeof byKey[0], typeof byKey[0]];
      assert.deepEqual(
        [r1.requests, r1.cost, r1.input_tokens, r1.output_tokens, r1.cached_input_tokens, r1.reasoning_tokens, r1.errors, r1.unpriced],
        [100, 700, 300, 400, 100, 200, 0, 0],
      );
      assert.deepEqual([r2.requests, r2.cost, r2.errors, r2.unpriced, r2.ttft_p50_ms], [10, 300, 3, 4, null]);
      // Latencies 10 … 1000 ms: p50 ≈ 500, p95 ≈ 950, TTFT 1 … 100 ms: p50 ≈ 50; the histogram is within a factor of √2.
      const near = (value: number | null, truth: number) => assert.ok(value !== null && value >= truth / Math.SQRT2 && value <= truth * Math.SQRT2, `${value} vs ${truth}`);
      near(r1.latency_p50_ms, 500);
      near(r1.latency_p95_ms, 950);
      near(r1.ttft_p50_ms, 50);

      const byModel = await s.usage.summary({ ...range, accountId: acct, groupBy: 'model' });
      assert.deepEqual(byModel.map((r) => [r.group, r.requests]), [['big', 100], ['small', 10]]);
      const byAccount = await s.usage.summary({ ...range, accountId: acct, groupBy: 'account' });
      assert.deepEqual(byAccount.map((r) => [r.group, r.requests, r.cost]), [[acct, 110, 1000]]);
      const oneModel = await s.usage.summary({ ...range, keyId: k2, model: 'small', groupBy: 'key' });
      assert.deepEqual(oneModel.map((r) => r.requests), [10]);
    });

    test('summary by hour and day, with from and to widened to whole hours; records without key or model', async () => {
      const t0 = ownMonth();
      const acct = randomId('acct_', 16);
      await store([
        usageRecord({ ts: t0 + 10 * 60_000, accountId: acct, keyId: null, model: null, status: 401, cost: 0 }),
        usageRecord({ ts: t0 + 50 * 60_000, accountId: acct, cost: 1 }),
        usageRecord({ ts: t0 + HOUR + 1, accountId: acct, cost: 2 }),
        usageRecord({ ts: t0 + DAY + 5, accountId: acct, cost: 4 }),
      ]);
      const byHour = await s.usage.summary({ from: t0 + 30 * 60_000, to: t0 + HOUR + 60_000, accountId: acct, groupBy: 'hour' });
      assert.deepEqual(byHour.map((r) => [r.group, r.requests, r.cost]), [[t0, 2, 1], [t0 + HOUR, 1, 2]], 'from rounded down, to rounded up');
      const byDay = await s.usage.summary({ from: t0, to: t0 + 2 * DAY, accountId: acct, groupBy: 'day' });
      assert.deepEqual(byDay.map((r) => [r.group, r.requests, r.cost]), [[t0, 3, 3], [t0 + DAY, 1, 4]]);
      const byKey = await s.usage.summary({ from: t0, to: t0 + HOUR, accountId: acct, groupBy: 'model' });
      assert.deepEqual(byKey.map((r) => [r.group, r.requests, r.errors]), [['m1', 1, 0], [null, 1, 1]]);
    });

    test('a range over several days reads whole days and the hours either side, and adds up to the records', async () => {
      const t0 = ownMonth();
      const acct = randomId('acct_', 16);
      // Every 5 hours for 4 days, plus one record a minute before and after the range.
      const inRange = Array.from({ length: 20 }, (_, i) => usageRecord({ ts: t0 + 12 * HOUR + i * 5 * HOUR, accountId: acct, cost: 2 ** i, latencyMs: 100 + i }));
      await store([...inRange, usageRecord({ ts: t0 + 12 * HOUR - 60_000, accountId: acct, cost: 2 ** 21 }), usageRecord({ ts: t0 + 3 * DAY + 12 * HOUR, accountId: acct, cost: 2 ** 22 })]);
      const range = { from: t0 + 12 * HOUR, to: t0 + 3 * DAY + 12 * HOUR, accountId: acct };
      const expected = inRange.filter((r) => r.ts < range.to);
      const [total] = await s.usage.summary({ ...range, groupBy: 'account' });
      assert.equal(total?.requests, expected.length);
      assert.equal(total?.cost, expected.reduce((sum, r) => sum + r.cost, 0));
      const byDay = await s.usage.summary({ ...range, groupBy: 'day' });
      assert.deepEqual(byDay.map((r) => r.group), [t0, t0 + DAY, t0 + 2 * DAY, t0 + 3 * DAY]);
      assert.deepEqual(byDay.map((r) => r.cost), [0, 1, 2, 3].map((d) => expected.filter((r) => Math.floor((r.ts - t0) / DAY) === d).reduce((sum, r) => sum + r.cost, 0)));
      const byHour = await s.usage.summary({ ...range, groupBy: 'hour' });
      assert.equal(byHour.length, expected.length, 'one record per hour group');
    });

    test('spent: whole days and hours from the rollups, a part hour from the records', async () => {
      const t0 = ownMonth();
      const keyId = randomId('', 12);
      const acct = randomId('acct_', 16);
      await store([
        usageRecord({ ts: t0 - 1, keyId, accountId: acct, cost: 1000 }),
        usageRecord({ ts: t0 + 10, keyId, accountId: acct, cost: 1 }),
        usageRecord({ ts: t0 + 40 * 60_000, keyId, accountId: acct, cost: 2 }),
        usageRecord({ ts: t0 + 3 * HOUR, keyId, accountId: acct, cost: 4 }),
        usageRecord({ ts: t0 + 3 * HOUR, keyId: randomId('', 12), accountId: acct, cost: 8 }),
        usageRecord({ ts: t0 + 2 * DAY + 5, keyId, accountId: acct, cost: 16 }),
      ]);
      assert.equal(await s.usage.spent({ keyId }, t0), 23);
      assert.equal(await s.usage.spent({ accountId: acct }, t0), 31);
      assert.equal(await s.usage.spent({ keyId }, t0 + 20 * 60_000), 22, 'since mid-hour');
      assert.equal(await s.usage.spent({ keyId }, t0 + 4 * HOUR), 16, 'since mid-day');
      assert.equal(await s.usage.spent({ keyId }, t0 + 3 * DAY), 0);
      assert.equal(await s.usage.spent({ keyId: 'nobody' }, 0), 0);
    });

    test('pruneRecords deletes old records and keeps the rollups', async () => {
      const t0 = ownMonth();
      const keyId = randomId('', 12);
      await store([usageRecord({ ts: t0, keyId, cost: 3 }), usageRecord({ ts: t0 + DAY, keyId, cost: 5 })]);
      assert.ok((await s.usage.pruneRecords(t0 + 1)) >= 1);
      assert.deepEqual((await s.usage.requests({ keyId, limit: 10 })).rows.map((r) => r.cost), [5]);
      assert.equal(await s.usage.spent({ keyId }, t0), 8, 'from the rollups');
    });
  });

  describe('ledger writer', () => {
    const countOf = async (keyId: string) => (await s.usage.requests({ keyId, limit: 1000 })).rows.length;

    test('commits on its own after the interval, without flush', async () => {
      const keyId = randomId('', 12);
      const writer = new LedgerWriter(s, capturedLogger().logger, { intervalMs: 20 });
      writer.record(usageRecord({ keyId }));
      await until(async () => (await countOf(keyId)) === 1, 'the timed commit');
      await writer.close();
    });

    test('commits at batchSize without waiting for the interval', async () => {
      const keyId = randomId('', 12);
      const writer = new LedgerWriter(s, capturedLogger().logger, { intervalMs: 600_000, batchSize: 10 });
      for (let i = 0; i < 10; i++) writer.record(usageRecord({ keyId }));
      await until(async () => (await countOf(keyId)) === 10, 'the batch commit');
      writer.record(usageRecord({ keyId }));
      await writer.close();
      assert.equal(await countOf(keyId), 11, 'close flushes the rest');
    });

    test('large batches are split under the parameter limit; rollups match the records', async () => {
      const keyId = randomId('', 12);
      const t0 = ownMonth();
      const writer = new LedgerWriter(s, capturedLogger().logger, { maxPerCommit: 5000 });
      for (let i = 0; i < 3000; i++) writer.record(usageRecord({ keyId, ts: t0 + i * 1000, cost: i }));
      await writer.flush();
      const [row] = await s.usage.summary({ from: t0, to: t0 + DAY, keyId, groupBy: 'key' });
      assert.equal(row?.requests, 3000);
      assert.equal(row?.cost, (2999 * 3000) / 2);
      const stored = await s.db.selectFrom('usage_records').select(sql<number>`count(*)`.as('n')).where('key_id', '=', keyId).executeTakeFirst();
      assert.equal(Number(stored?.n), 3000);
      await writer.close();
    });

    test('an invalid record is dropped and logged at once; the others go on', async () => {
      const keyId = randomId('', 12);
      const log = capturedLogger();
      const writer = new LedgerWriter(s, log.logger);
      writer.record(usageRecord({ keyId, cost: Number.NaN }));
      writer.record(usageRecord({ keyId, model: 42 as unknown as string }));
      writer.record(usageRecord({ keyId }));
      await writer.close();
      assert.equal(await countOf(keyId), 1);
      assert.deepEqual(writer.stats(), { queued: 0, committed: 1, dropped: 2, failures: 0 });
      assert.deepEqual(log.lines.filter((l) => l.msg === 'ledger: usage record invalid, dropped').map((l) => l.problem), [
        'cost must be a number from 0 to 9007199254740991', 'model must be a string or null',
      ]);
    });

    test('a record the database refuses is found, dropped and logged; the rest of its batch is committed', async () => {
      const keyId = randomId('', 12);
      const log = capturedLogger();
      await refuseRequestId(s, 'poison');
      try {
        const writer = new LedgerWriter(s, log.logger, { intervalMs: 600_000 });
        for (let i = 0; i < 9; i++) writer.record(usageRecord({ keyId, requestId: i === 6 ? 'poison' : `ok-${i}` }));
        await writer.close();
        assert.equal(await countOf(keyId), 8);
        assert.deepEqual(writer.stats(), { queued: 0, committed: 8, dropped: 1, failures: 0 });
        const refused = log.lines.find((l) => l.msg.includes('refused by the database'));
        assert.equal((refused?.record as UsageRecord | undefined)?.requestId, 'poison', 'the whole record is in the log');
      } finally {
        await allowRequestIds(s);
      }
    });

    test('while the database cannot be written: records wait in memory up to the bound, the rest are dropped loudly, then all are written', async () => {
      const keyId = randomId('', 12);
      const log = capturedLogger();
      const writer = new LedgerWriter(s, log.logger, { intervalMs: 5, maxQueued: 50, retryMs: { first: 5, max: 20 } });
      await s.db.schema.alterTable('usage_records').renameTo('usage_records_away').execute();
      try {
        for (let i = 0; i < 60; i++) writer.record(usageRecord({ keyId, cost: 10 }));
        await assert.rejects(writer.flush());
        await until(() => writer.stats().failures >= 3, 'a few retries');
        assert.equal(writer.stats().queued, 50);
        assert.equal(writer.stats().dropped, 10);
      } finally {
        await s.db.schema.alterTable('usage_records_away').renameTo('usage_records').execute();
      }
      await until(() => writer.stats().committed === 50, 'the retry after the database is back');
      assert.equal(writer.stats().failures, 0);
      await writer.close();
      assert.equal(await countOf(keyId), 50);
      assert.ok(log.lines.some((l) => l.level === 50 && l.msg.includes('cannot write usage records') && l.maxQueued === 50));
      const dropped = log.lines.find((l) => l.msg.includes('DROPPED'));
      assert.equal(dropped?.dropped, 10);
      assert.equal(dropped?.costNanoUsd, 100);
      assert.match(dropped!.msg, /50 records were already waiting in memory/);
    });

    test('after close, records are dropped (and counted), not queued', async () => {
      const writer = new LedgerWriter(s, capturedLogger().logger);
      await writer.close();
      writer.record(usageRecord());
      assert.deepEqual(writer.stats(), { queued: 0, committed: 0, dropped: 1, failures: 0 });
      await writer.close();
    });
  });

  describe('stored responses', () => {
    const stored = (id: string, accountId: string, createdAt: number) => ({
      id, accountId, keyId: null, createdAt, model: 'm', previousResponseId: null, response: { id }, inputItems: [{ type: 'message', role: 'user', content: 'hi' }],
    });
    const rows = async (id: string) => (await s.db.selectFrom('responses').select('id').where('id', '=', id).execute()).length;

    test('expire after the retention: gone for reads and deletes at once, their rows swept after the next store', async () => {
      let now = ownMonth();
      const aged = await open({ now: () => now, responsesRetentionDays: 1 });
      try {
        const account = randomId('acct_', 8);
        const [a, b] = [randomId('resp_', 12), randomId('resp_', 12)];
        await aged.responses.put(stored(a, account, now));
        await aged.responses.settled();
        assert.equal((await aged.responses.get(account, a))?.id, a);
        now += 2 * 86_400_000;
        assert.equal(await aged.responses.get(account, a), undefined, 'expired');
        assert.equal(await aged.responses.delete(account, a), false);
        assert.equal(await rows(a), 1, 'its row stays until a sweep');
        await aged.responses.put(stored(b, account, now));
        await aged.responses.settled();
        assert.equal(await rows(a), 0, 'swept after the store');
        assert.equal((await aged.responses.get(account, b))?.id, b);
      } finally {
        await aged.close();
      }
    });

    test('a retention of 0 keeps them until deleted', async () => {
      const forever = await open({ responsesRetentionDays: 0 });
      try {
        const account = randomId('acct_', 8);
        const id = randomId('resp_', 12);
        await forever.responses.put(stored(id, account, Date.UTC(2001, 0, 1)));
        assert.equal((await forever.responses.get(account, id))?.id, id);
        assert.equal(await forever.responses.delete(account, id), true);
      } finally {
        await forever.close();
      }
    });
  });
}

/** Makes the database refuse usage records with this request id (a constraint error), the way each dialect can. */
async function refuseRequestId(s: Storage, requestId: string): Promise<void> {
  if (s.dialect === 'sqlite') {
    await sql`create trigger refuse_request before insert on usage_records when new.request_id = ${sql.lit(requestId)} begin select raise(abort, 'refused'); end`.execute(s.db);
  } else {
    await sql`alter table usage_records add constraint refuse_request check (request_id <> ${sql.lit(requestId)})`.execute(s.db);
  }
}

async function allowRequestIds(s: Storage): Promise<void> {
  if (s.dialect === 'sqlite') await sql`drop trigger refuse_request`.execute(s.db);
  else await sql`alter table usage_records drop constraint refuse_request`.execute(s.db);
}
