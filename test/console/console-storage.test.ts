import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword, verifyPassword } from '../../src/console/passwords.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { capturedLogger } from '../storage/support/records.js';

const DAY = 86_400_000;

/** The console's repositories (members, invites, sessions) on one database: the same on SQLite and PostgreSQL. */
function consoleStorageContract(name: string, open: (now: () => number) => Promise<{ storage: Storage; close(): Promise<void> }>, skip: string | false): void {
  describe(`console logins on ${name}`, { skip }, () => {
    let s: Storage;
    let close: () => Promise<void>;
    let clock = Date.UTC(2031, 5, 1);
    before(async () => ({ storage: s, close } = await open(() => clock)));
    after(() => close?.());

    const invite = async (accountId: string, email: string, expiresAt = clock + DAY) => {
      clock += 1;
      const tokenHash = `${'t'.repeat(60)}${Math.random().toString(36).slice(2, 6)}`;
      return { tokenHash, invite: await s.invites.create({ tokenHash, accountId, email, expiresAt }) };
    };

    test('an invite is redeemed once: the member is made with its password; the second try is refused', async () => {
      const a = await s.accounts.create({ name: 'A' });
      const { tokenHash, invite: i } = await invite(a.id, ' Alice@Example.COM ');
      assert.equal(i.email, 'alice@example.com', 'emails are stored lower-cased');
      assert.match(i.id, /^inv_[A-Za-z0-9]{16}$/);
      assert.equal((await s.invites.byToken(tokenHash))?.id, i.id);
      const first = await s.invites.redeem(tokenHash, 'hash-1');
      assert.equal(first.outcome, 'ok');
      assert.ok(first.outcome === 'ok' && first.created && first.member.accountId === a.id && first.member.passwordHash === 'hash-1');
      assert.deepEqual(await s.invites.redeem(tokenHash, 'hash-2'), { outcome: 'used' });
      assert.equal((await s.members.byEmail('ALICE@example.com'))?.passwordHash, 'hash-1');
      assert.deepEqual((await s.members.list(a.id)).map((m) => m.email), ['alice@example.com']);
      assert.deepEqual(await s.invites.redeem('no-such-token', 'x'), { outcome: 'not_found' });
    });

    test('a second invite to a member of the same account sets a new password and ends its sessions; another account is refused', async () => {
      const a = await s.accounts.create({ name: 'A2' });
      const b = await s.accounts.create({ name: 'B2' });
      const first = await invite(a.id, 'bob@example.com');
      const made = await s.invites.redeem(first.tokenHash, 'old');
      assert.equal(made.outcome, 'ok');
      const member = made.outcome === 'ok' ? made.member : assert.fail();
      await s.sessions.create({ idHash: 'session-of-bob', memberId: member.id, operatorKeyHash: null, expiresAt: clock + DAY });

      const elsewhere = await invite(b.id, 'bob@example.com');
      assert.deepEqual(await s.invites.redeem(elsewhere.tokenHash, 'x'), { outcome: 'other_account' });
      assert.equal((await s.invites.byToken(elsewhere.tokenHash))?.usedAt, null, 'the refused invite stays unused');

      const reset = await invite(a.id, 'bob@example.com');
      const again = await s.invites.redeem(reset.tokenHash, 'new');
      assert.ok(again.outcome === 'ok' && !again.created && again.member.id === member.id && again.member.passwordHash === 'new');
      assert.equal(await s.sessions.get('session-of-bob'), undefined, 'a new password ends the old sessions');
    });

    test('an expired invite is refused; a pending one can be withdrawn, a used one not', async () => {
      const a = await s.accounts.create({ name: 'A3' });
      const old = await invite(a.id, 'late@example.com', clock - 1);
      assert.deepEqual(await s.invites.redeem(old.tokenHash, 'x'), { outcome: 'expired' });
      const pending = await invite(a.id, 'p@example.com');
      assert.equal(await s.invites.withdraw(pending.invite.id), true);
      assert.equal(await s.invites.byToken(pending.tokenHash), undefined);
      const used = await invite(a.id, 'u@example.com');
      await s.invites.redeem(used.tokenHash, 'x');
      assert.equal(await s.invites.withdraw(used.invite.id), false);
      assert.deepEqual((await s.invites.list(a.id)).map((i) => i.email), ['u@example.com', 'late@example.com'], 'newest first');
    });

    test('sessions: create, get, the playground key swapped, delete, expired ones removed; removing a member ends its sessions', async () => {
      const a = await s.accounts.create({ name: 'A4' });
      const { tokenHash } = await invite(a.id, 'carol@example.com');
      const r = await s.invites.redeem(tokenHash, 'h');
      const member = r.outcome === 'ok' ? r.member : assert.fail();
      const live = await s.sessions.create({ idHash: 'live', memberId: member.id, operatorKeyHash: null, expiresAt: clock + DAY });
      assert.deepEqual(await s.sessions.get('live'), live);
      assert.equal(await s.sessions.swapPlaygroundKey('live', 'key1'), null);
      assert.equal(await s.sessions.swapPlaygroundKey('live', 'key2'), 'key1');
      assert.equal((await s.sessions.get('live'))?.playgroundKeyId, 'key2');
      await s.sessions.create({ idHash: 'op', memberId: null, operatorKeyHash: 'mark', expiresAt: clock + DAY });
      await s.sessions.create({ idHash: 'stale', memberId: null, operatorKeyHash: 'mark', expiresAt: clock - 1 });
      assert.deepEqual((await s.sessions.deleteExpired()).map((x) => x.idHash), ['stale']);
      assert.equal((await s.sessions.delete('op'))?.operatorKeyHash, 'mark');
      assert.equal(await s.sessions.get('op'), undefined);
      assert.equal(await s.members.delete(member.id), true);
      assert.equal(await s.sessions.get('live'), undefined);
      assert.equal(await s.members.delete(member.id), false);
    });

    test('last login is recorded', async () => {
      const a = await s.accounts.create({ name: 'A5' });
      const { tokenHash } = await invite(a.id, 'dan@example.com');
      const r = await s.invites.redeem(tokenHash, 'h');
      const member = r.outcome === 'ok' ? r.member : assert.fail();
      assert.equal(member.lastLoginAt, null);
      clock += 1000;
      await s.members.touchLogin(member.id);
      assert.equal((await s.members.get(member.id))?.lastLoginAt, clock);
    });
  });
}

const root = await mkdtemp(join(tmpdir(), 'lingua-console-storage-'));
after(() => rm(root, { recursive: true, force: true }));

consoleStorageContract('SQLite', async (now) => {
  const storage = await openStorage({ dataDir: root, logger: capturedLogger().logger, now });
  return { storage, close: () => storage.close() };
}, false);

const pgSkip = await postgresSkip();
consoleStorageContract('PostgreSQL', async (now) => {
  const schema = await freshPostgresSchema();
  const storage = await openStorage({ databaseUrl: schema.url, dataDir: '/nonexistent', logger: capturedLogger().logger, now });
  return { storage, close: async () => { await storage.close(); await schema.drop(); } };
}, pgSkip);

describe('console passwords', () => {
  test('scrypt: the right password verifies, a wrong one or a malformed hash does not; two hashes of one password differ', async () => {
    const [h1, h2] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    assert.match(h1, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(h1, h2, 'each hash has its own salt');
    assert.equal(await verifyPassword('correct horse battery', h1), true);
    assert.equal(await verifyPassword('correct horse batterY', h1), false);
    assert.equal(await verifyPassword('x', 'sha256$abc'), false);
    assert.equal(await verifyPassword('x', 'scrypt$0$8$1$AA$AA'), false);
  });
});
