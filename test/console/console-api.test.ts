import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { until } from '../support/until.js';
import { ADMIN_KEY, ConsoleClient, type Answer } from './support.js';

const PASSWORD = 'a long enough password';

async function chat(base: string, key: string): Promise<Response> {
  return fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

const ok = (a: Answer, status = 200) => assert.equal(a.status, status, JSON.stringify(a.body));

describe('the console API', () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  let base: string;
  let operator: ConsoleClient;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  const accounts: Record<string, string> = {};

  /** An invite for `email` to `account` (by the operator), accepted with PASSWORD by `client`. */
  const join = async (client: ConsoleClient, account: string, email: string) => {
    const invite = await operator.call('POST', `/accounts/${account}/invites`, { email });
    ok(invite, 201);
    ok(await client.call('POST', '/invite/accept', { token: invite.body.token, password: PASSWORD }));
  };

  before(async () => {
    server = await startLingua({
      admin_key: ADMIN_KEY,
      server: { auth_failures_per_minute: 1000 },
      keys: [{ name: 'cfg', key: 'sk-config-key-0123456789' }],
      providers: [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'upstream-secret' }],
      models: [{ name: 'm1', provider: 'up', pricing: { input: 2, output: 8 }, context_length: 8192 }, { name: 'm2', provider: 'up' }],
    });
    base = server.url;
    operator = new ConsoleClient(base);
    alice = new ConsoleClient(base);
    bob = new ConsoleClient(base);
    ok(await operator.loginOperator());
    for (const name of ['A', 'B']) {
      const a = await operator.call('POST', '/accounts', { name, budget_usd: 5 });
      ok(a, 201);
      accounts[name] = a.body.id;
    }
    await join(alice, accounts.A!, 'alice@example.com');
    await join(bob, accounts.B!, 'bob@example.com');
  });
  after(async () => {
    await server?.close();
    await upstream.close();
  });

  test('operator login: the admin key, in a cookie that is HttpOnly, SameSite=Strict, under /console; Secure behind a TLS proxy on this machine', async () => {
    const c = new ConsoleClient(base);
    const wrong = await c.loginOperator('not-the-admin-key-at-all');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.param, 'admin_key', 'the error names the field');
    const r = await c.loginOperator();
    ok(r);
    assert.equal(r.body.kind, 'operator');
    const cookie = r.headers.get('set-cookie')!;
    assert.match(cookie, /^lingua_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    const proxied = await new ConsoleClient(base).call('POST', '/login/operator', { admin_key: ADMIN_KEY }, { 'x-forwarded-proto': 'https' });
    assert.match(proxied.headers.get('set-cookie')!, /; Secure$/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual((await c.call('GET', '/login-options')).body, { object: 'login_options', operator_login: 'admin_key' });
  });

  test('state-changing calls need the session CSRF token and this site as Origin; pre-session ones the console header', async () => {
    const noToken = await operator.call('POST', '/accounts', { name: 'X' }, { 'x-csrf-token': '' });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.error.code, 'csrf_token_invalid');
    const wrongToken = await operator.call('POST', '/accounts', { name: 'X' }, { 'x-csrf-token': 'A'.repeat(43) });
    assert.equal(wrongToken.body.error.code, 'csrf_token_invalid');
    const otherSite = await operator.call('POST', '/accounts', { name: 'X' }, { origin: 'https://evil.example' });
    assert.equal(otherSite.status, 403);
    assert.equal(otherSite.body.error.code, 'cross_site_request');
    const crossFetch = await operator.call('DELETE', `/accounts/${accounts.A}`, {}, { 'sec-fetch-site': 'cross-site' });
    assert.equal(crossFetch.body.error.code, 'cross_site_request');
    const sameSite = await operator.call('POST', '/accounts', { name: 'From our page' }, { origin: base, 'sec-fetch-site': 'same-origin' });
    ok(sameSite, 201);
    // A form of another page cannot add headers: without x-lingua-console, a login is refused.
    const form = await fetch(`${base}/console/api/login/operator`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ admin_key: ADMIN_KEY }) });
    assert.equal(form.status, 403);
    assert.equal(form.headers.get('set-cookie'), null);
    // Reading needs the session only.
    ok(await operator.call('GET', '/accounts', undefined, { 'x-csrf-token': '' }));
  });

  test('an invite: looked up, a short password refused next to its field, accepted once; a member logs in with email and password', async () => {
    const invite = await operator.call('POST', `/accounts/${accounts.A}/invites`, { email: 'Carol@Example.com', expires_in: '1d' });
    ok(invite, 201);
    assert.match(invite.body.path, /^\/console\/#\/invite\/[A-Za-z0-9_-]{43}$/);
    assert.equal(invite.body.email, 'carol@example.com');
    const carol = new ConsoleClient(base);
    const seen = await carol.call('POST', '/invite/lookup', { token: invite.body.token });
    assert.deepEqual({ ...seen.body, expires_at: undefined }, { object: 'invite', email: 'carol@example.com', account_name: 'A', expires_at: undefined, existing_member: false });
    const short = await carol.call('POST', '/invite/accept', { token: invite.body.token, password: 'short' });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.param, 'password');
    const accepted = await carol.call('POST', '/invite/accept', { token: invite.body.token, password: PASSWORD });
    ok(accepted);
    assert.deepEqual([accepted.body.kind, accepted.body.email, accepted.body.account.id], ['member', 'carol@example.com', accounts.A]);
    const again = await new ConsoleClient(base).call('POST', '/invite/accept', { token: invite.body.token, password: PASSWORD });
    assert.equal(again.status, 410);
    assert.equal(again.body.error.code, 'invite_used');
    const bogus = await new ConsoleClient(base).call('POST', '/invite/lookup', { token: 'not-a-token' });
    assert.equal(bogus.status, 404);

    const wrong = await new ConsoleClient(base).login('carol@example.com', 'not the password');
    assert.equal(wrong.status, 401);
    assert.deepEqual([wrong.body.error.param, wrong.body.error.code], ['password', 'invalid_credentials']);
    const unknown = await new ConsoleClient(base).login('nobody@example.com', PASSWORD);
    assert.deepEqual(unknown.body, wrong.body, 'an unknown email reads the same as a wrong password');
    const again2 = new ConsoleClient(base);
    ok(await again2.login('CAROL@example.com', PASSWORD));
    assert.equal((await again2.call('GET', '/session')).body.email, 'carol@example.com');
    const members = await operator.call('GET', `/accounts/${accounts.A}/members`);
    assert.ok(members.body.data.some((m: { email: string; last_login_at: string | null }) => m.email === 'carol@example.com' && m.last_login_at !== null));
  });

  test('a member sees only its own account: keys, usage and requests of another account are out of reach through every endpoint', async () => {
    const mine = await alice.call('POST', '/keys', { name: 'alice-key' });
    ok(mine, 201);
    assert.equal(mine.body.account_id, accounts.A, "a member's key belongs to its account");
    const theirs = await bob.call('POST', '/keys', { name: 'bob-key' });
    ok(theirs, 201);
    const opKey = await operator.call('POST', '/keys', { name: 'no-account-key' });
    ok(opKey, 201);
    ok(await chat(base, theirs.body.key).then((r) => ({ status: r.status, headers: r.headers, body: null })));
    await until(async () => (await operator.call('GET', `/requests?key=${theirs.body.id}`)).body.data.length === 1, "bob's request in the ledger");

    const listed = await alice.call('GET', '/keys');
    assert.deepEqual(listed.body.data.map((k: { name: string }) => k.name), ['alice-key']);
    for (const [method, path, body] of [
      ['GET', `/keys?account_id=${accounts.B}`],
      ['POST', '/keys', { name: 'sneaky', account_id: accounts.B }],
      ['GET', `/usage?account=${accounts.B}`],
      ['GET', `/requests?account=${accounts.B}`],
      ['POST', '/playground-key', { account_id: accounts.B }],
    ] as const) {
      const r = await alice.call(method, path, body);
      assert.equal(r.status, 403, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'other_account');
    }
    for (const id of [theirs.body.id, opKey.body.id, 'nonexistent1']) {
      for (const [method, path] of [['DELETE', `/keys/${id}`], ['POST', `/keys/${id}/rotate`]] as const) {
        const r = await alice.call(method, path);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.body.error.code, 'key_not_found');
      }
    }
    assert.deepEqual((await alice.call('GET', `/requests?key=${theirs.body.id}`)).body.data, []);
    assert.deepEqual((await alice.call('GET', `/usage?group_by=key&key=${theirs.body.id}`)).body.data, []);
    assert.deepEqual((await alice.call('GET', '/usage?group_by=key')).body.data, []);
    for (const [method, path] of [
      ['GET', '/accounts'], ['POST', '/accounts'], ['PATCH', `/accounts/${accounts.B}`], ['DELETE', `/accounts/${accounts.B}`],
      ['GET', `/accounts/${accounts.B}/members`], ['GET', `/accounts/${accounts.A}/invites`], ['POST', `/accounts/${accounts.A}/invites`],
      ['DELETE', '/members/mem_x'], ['DELETE', '/invites/inv_x'], ['POST', '/reload'],
    ] as const) {
      const r = await alice.call(method, path, {});
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error.code, 'operator_only');
    }
    const models = await alice.call('GET', '/models');
    assert.equal(models.body.server, undefined, 'health is the operator\'s');
    assert.deepEqual(models.body.data.map((m: { name: string; health?: unknown }) => [m.name, m.health]), [['m1', undefined], ['m2', undefined]]);
    // Bob's key still works: nothing alice did touched it.
    assert.equal((await chat(base, theirs.body.key)).status, 200);
    const account = await alice.call('GET', '/account');
    assert.deepEqual([account.body.id, account.body.budget_usd], [accounts.A, 5]);
  });

  test("a member's key: created, used, seen in its usage and requests, rotated, revoked (401 at once)", async () => {
    const made = await alice.call('POST', '/keys', { name: 'ci', models: ['m1'], rpm: 60, budget_usd: 1, budget_period: 'day', expires_in: '30d' });
    ok(made, 201);
    assert.match(made.body.key, /^sk-lingua-[A-Za-z0-9]{12}-/);
    const badField = await alice.call('POST', '/keys', { name: 'x', rpm: 1.5 });
    assert.deepEqual([badField.status, badField.body.error.param], [400, 'rpm']);
    assert.equal((await chat(base, made.body.key)).status, 200);
    await until(async () => (await alice.call('GET', `/requests?key=${made.body.id}`)).body.data.length === 1, 'the request in the ledger');
    const requests = await alice.call('GET', `/requests?key=${made.body.id}`);
    assert.deepEqual([requests.body.data[0].model, requests.body.data[0].status, requests.body.data[0].account_id], ['m1', 200, accounts.A]);
    const usage = await alice.call('GET', '/usage?group_by=key');
    assert.equal(usage.body.data.find((r: { group: string }) => r.group === made.body.id)?.requests, 1);

    const rotated = await alice.call('POST', `/keys/${made.body.id}/rotate`, {});
    ok(rotated);
    assert.notEqual(rotated.body.key, made.body.key);
    assert.equal((await chat(base, made.body.key)).status, 401);
    assert.equal((await chat(base, rotated.body.key)).status, 200);
    ok(await alice.call('DELETE', `/keys/${made.body.id}`));
    const refused = await chat(base, rotated.body.key);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'revoked_api_key');
  });

  test('the playground key: an hour at most, of the member\'s account, replaced by the next and revoked at logout', async () => {
    const dana = new ConsoleClient(base);
    await join(dana, accounts.A!, 'dana@example.com');
    const first = await dana.call('POST', '/playground-key');
    ok(first, 201);
    assert.equal(first.body.account_id, accounts.A);
    assert.ok(Date.parse(first.body.expires_at) - Date.now() <= 3_600_000);
    assert.equal((await chat(base, first.body.key)).status, 200);
    const second = await dana.call('POST', '/playground-key');
    assert.equal((await chat(base, first.body.key)).status, 401, 'the first is revoked');
    assert.equal((await chat(base, second.body.key)).status, 200);
    const out = await dana.call('POST', '/logout');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /^lingua_console=; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=0/);
    assert.equal((await chat(base, second.body.key)).status, 401, 'revoked at logout');
  });

  test('sessions end: at logout, at expiry, and when the member is removed', async () => {
    const c = new ConsoleClient(base);
    ok(await c.login('alice@example.com', PASSWORD));
    const cookie = c.cookie;
    ok(await c.call('POST', '/logout'), 204);
    assert.equal(c.cookie, undefined);
    c.cookie = cookie;
    assert.equal((await c.call('GET', '/session')).body.error.code, 'no_session', 'the old cookie is worth nothing');

    const e = new ConsoleClient(base);
    ok(await e.login('alice@example.com', PASSWORD));
    const idHash = createHash('sha256').update(e.cookie!.split('=')[1]!).digest('hex');
    await sql`update console_sessions set expires_at = 0 where id_hash = ${idHash}`.execute(server.lingua.platform.storage.db);
    const expired = await e.call('GET', '/session');
    assert.deepEqual([expired.status, expired.body.error.code], [401, 'session_expired']);
    ok(await alice.call('GET', '/session'), 200);

    const erin = new ConsoleClient(base);
    await join(erin, accounts.B!, 'erin@example.com');
    const members = await operator.call('GET', `/accounts/${accounts.B}/members`);
    const id = members.body.data.find((m: { email: string }) => m.email === 'erin@example.com').id;
    ok(await operator.call('DELETE', `/members/${id}`));
    assert.equal((await erin.call('GET', '/keys')).status, 401);
    assert.equal((await erin.login('erin@example.com', PASSWORD)).status, 401);
  });

  test('an invite to an email that logs in to another account is refused, naming the field', async () => {
    const r = await operator.call('POST', `/accounts/${accounts.A}/invites`, { email: 'bob@example.com' });
    assert.deepEqual([r.status, r.body.error.param, r.body.error.code], [400, 'email', 'member_of_other_account']);
    const bad = await operator.call('POST', `/accounts/${accounts.A}/invites`, { email: 'not an email' });
    assert.deepEqual([bad.status, bad.body.error.param], [400, 'email']);
    const missing = await operator.call('POST', '/accounts/acct_nope/invites', { email: 'x@example.com' });
    assert.equal(missing.status, 404);
  });

  test('the Models view: pricing and context for everyone; targets and health for the operator', async () => {
    const r = await operator.call('GET', '/models');
    const m1 = r.body.data.find((m: { name: string }) => m.name === 'm1');
    assert.deepEqual([m1.pricing, m1.context_length], [{ input: 2, output: 8 }, 8192]);
    assert.equal(m1.health.targets[0].provider, 'up');
    assert.equal(r.body.server.ready, true);
  });
});

describe('console logins are throttled', () => {
  let server: TestServer;
  before(async () => { server = await startLingua({ admin_key: ADMIN_KEY, server: { auth_failures_per_minute: 3 } }); });
  after(() => server?.close());

  test('after the allowed failures an address gets 429s, even with the right key', async () => {
    const c = new ConsoleClient(server.url);
    for (let i = 0; i < 2; i++) assert.equal((await c.login('x@example.com', 'wrong password')).status, 401);
    assert.equal((await c.loginOperator('a wrong admin key!')).status, 401);
    const limited = await c.loginOperator();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});

describe('operator login on a loopback server without an admin key', () => {
  let server: TestServer;
  before(async () => { server = await startLingua({}); });
  after(() => server?.close());

  test('this machine logs in without a key; a page of another site cannot', async () => {
    const c = new ConsoleClient(server.url);
    assert.equal((await c.call('GET', '/login-options')).body.operator_login, 'this_machine');
    ok(await c.call('POST', '/login/operator', {}));
    const foreign = await new ConsoleClient(server.url).call('POST', '/login/operator', {}, { origin: 'http://evil.example' });
    assert.deepEqual([foreign.status, foreign.body.error.code], [403, 'cross_site_request']);
    // A DNS-rebinding page: its own name in Host (and as its origin), resolving to this machine.
    const status = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(server.url);
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/console/api/login/operator', headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'x-lingua-console': '1', 'content-type': 'application/json' } }, (res) => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.end('{}');
    });
    assert.equal(status, 403);
  });

  test('without any key, the playground makes none (callers need none; one key would change that for all)', async () => {
    const c = new ConsoleClient(server.url);
    ok(await c.call('POST', '/login/operator', {}));
    assert.equal((await c.call('GET', '/session')).body.keys_required, false);
    const r = await c.call('POST', '/playground-key');
    ok(r);
    assert.equal(r.body.key, null);
    assert.match(r.body.note, /no keys yet/);
    assert.deepEqual((await c.call('GET', '/keys')).body.data, []);
  });
});
