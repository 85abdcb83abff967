import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { until } from '../support/until.js';

export const ADMIN_KEY = 'admin-key-0123456789abcdef';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One admin API call over HTTP (as the admin unless `key` says otherwise; `null`: no Authorization header). */
export async function call(base: string, method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** A chat completion with `key` for `model`. */
export async function chat(base: string, key: string, model = 'm1'): Promise<Answer> {
  return call(base, 'POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, key);
}

/** Waits until a chat with `key` answers `status` (the key cache polls every 500 ms) and returns that answer. */
export async function chatUntil(base: string, key: string, status: number, model = 'm1'): Promise<Answer> {
  let last: Answer | undefined;
  await until(async () => (last = await chat(base, key, model)).status === status, () => `a chat with the key answering ${status} (last: ${last?.status} ${JSON.stringify(last?.body)})`, 5000);
  return last!;
}

/**
 * The admin API over real HTTP against a real Lingua and a fake upstream,
 * on the database `database()` gives (SQLite in the server's data
 * directory when it gives no URL, else PostgreSQL).
 */
export function adminSuite(name: string, database: () => Promise<{ database_url?: string; close?(): Promise<void> }>, options: { skip?: string | false } = {}): void {
  describe(`admin API on ${name}`, { skip: options.skip ?? false }, () => {
    const upstream = new FakeOpenAI();
    const log = new LogLines('debug');
    let server: TestServer;
    let base: string;
    let db: Awaited<ReturnType<typeof database>>;
    const admin = (method: string, path: string, body?: unknown) => call(base, method, path, body);
    const secrets: string[] = [ADMIN_KEY];
    const newKey = async (fields: Record<string, unknown> = {}) => {
      const r = await admin('POST', '/admin/keys', { name: 'k', ...fields });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      secrets.push(r.body.key);
      return r.body;
    };

    before(async () => {
      db = await database();
      const baseUrl = await upstream.start();
      server = await startLingua({
        // The polls below fail authentication many times from one address; the throttle is tested elsewhere.
        server: { auth_failures_per_minute: 100_000 },
        admin_key: ADMIN_KEY,
        // A config key: callers need a key from the start (with none at all, loopback callers need none).
        keys: [{ name: 'cfg', key: 'sk-config-key-0123456789' }],
        ...(db.database_url === undefined ? {} : { database_url: db.database_url }),
        providers: [{ name: 'up', type: 'openai', base_url: baseUrl, api_key: 'upstream-secret' }],
        models: [
          { name: 'm1', provider: 'up', model: 'up-model', pricing: { input: 2, output: 8 } },
          { name: 'm2', provider: 'up' },
        ],
      }, [], { logger: log.logger });
      base = server.url;
    });
    after(async () => {
      await server?.close();
      await upstream.close();
      await db?.close?.();
    });

    test('no admin key, or a wrong one, is a 401 in JSON; a caller key is not an admin key', async () => {
      const missing = await call(base, 'GET', '/admin/accounts', undefined, null);
      assert.equal(missing.status, 401);
      assert.equal(missing.body.error.code, 'missing_admin_key');
      assert.equal(missing.body.error.type, 'authentication_error');
      const wrong = await call(base, 'GET', '/admin/keys', undefined, 'not-the-admin-key-at-all');
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'invalid_admin_key');
      const key = await newKey();
      const asCaller = await call(base, 'GET', '/admin/keys', undefined, key.key);
      assert.equal(asCaller.status, 401);
      assert.equal(asCaller.body.error.code, 'invalid_admin_key');
    });

    test('account, then key: the key is shown once and works on /v1/chat/completions; the admin key does not', async () => {
      const account = await admin('POST', '/admin/accounts', { name: 'Team A', email: 'a@example.com', rpm: 100, budget_usd: 5, metadata: { team: 'a' } });
      assert.equal(account.status, 201);
      assert.match(account.body.id, /^acct_/);
      assert.equal(account.body.budget_period, 'month');
      assert.equal(account.body.budget_used_usd, 0);
      assert.equal(account.body.budget_left_usd, 5);
      assert.match(account.body.budget_resets_at, /^\d{4}-\d{2}-01T00:00:00\.000Z$/);
      assert.deepEqual(account.body.metadata, { team: 'a' });

      const created = await newKey({ name: 'ci', account_id: account.body.id, models: ['m*'], rpm: 60, tpm: 100000, max_concurrency: 4, expires_in: '30d', metadata: { owner: 'ci' } });
      assert.match(created.key, /^sk-lingua-[A-Za-z0-9]{12}-[A-Za-z0-9]{32}$/);
      assert.equal(created.start, `sk-lingua-${created.id}`);
      assert.ok(created.key.startsWith(created.start));
      assert.equal(created.account_id, account.body.id);
      assert.deepEqual(created.models, ['m*']);
      assert.equal(created.status, 'active');
      assert.equal(created.max_concurrency, 4);
      assert.equal(created.budget_usd, null);
      assert.equal(created.budget_used_usd, null);
      const expires = Date.parse(created.expires_at);
      assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 60_000, created.expires_at);
      assert.equal(created.last_used_at, null);

      const shown = await admin('GET', `/admin/keys/${created.id}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.key, undefined, 'the secret is shown only at creation');
      assert.equal(shown.body.name, 'ci');
      const everything = JSON.stringify([shown.body, (await admin('GET', '/admin/keys')).body]);
      assert.ok(!everything.includes(created.key.slice(-32)), 'no secret in views');
      assert.ok(!/hash/.test(everything), 'no hash in views');
      assert.equal(shown.headers.get('cache-control'), 'no-store');

      const ok = await chatUntil(base, created.key, 200);
      assert.equal(ok.body.choices[0].message.content, 'Hello from the fake upstream.');
      const refused = await chat(base, ADMIN_KEY);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error.code, 'invalid_api_key');

      const listed = await admin('GET', `/admin/keys?account_id=${account.body.id}`);
      assert.deepEqual(listed.body.data.map((k: { id: string }) => k.id), [created.id]);
      await until(async () => (await admin('GET', `/admin/keys/${created.id}`)).body.last_used_at !== null, 'last_used_at');
      await until(async () => (await admin('GET', `/admin/accounts/${account.body.id}`)).body.last_used_at !== null, "the account's last_used_at");
      const accounts = await admin('GET', '/admin/accounts');
      assert.ok(accounts.body.data.some((a: { id: string; last_used_at: string | null }) => a.id === account.body.id && a.last_used_at !== null));
    });

    test('revoking a key: 401 that says it was revoked; revoking again changes nothing', async () => {
      const k = await newKey();
      await chatUntil(base, k.key, 200);
      const revoked = await admin('DELETE', `/admin/keys/${k.id}`);
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body.status, 'revoked');
      assert.ok(revoked.body.revoked_at);
      const refused = await chatUntil(base, k.key, 401);
      assert.equal(refused.body.error.code, 'revoked_api_key');
      assert.match(refused.body.error.message, /revoked/);
      const again = await admin('DELETE', `/admin/keys/${k.id}`);
      assert.equal(again.body.revoked_at, revoked.body.revoked_at);
      const rotate = await admin('POST', `/admin/keys/${k.id}/rotate`, {});
      assert.equal(rotate.status, 409);
      assert.equal(rotate.body.error.code, 'key_revoked');
    });

    test('rotation keeps the id; with a grace period the old secret works until it ends, then only the new one', async () => {
      const k = await newKey();
      await chatUntil(base, k.key, 200);
      const rotated = await admin('POST', `/admin/keys/${k.id}/rotate`, { grace_period_s: 3 });
      assert.equal(rotated.status, 200);
      secrets.push(rotated.body.key);
      assert.equal(rotated.body.id, k.id);
      assert.notEqual(rotated.body.key, k.key);
      assert.ok(rotated.body.key.startsWith(`sk-lingua-${k.id}-`));
      assert.ok(rotated.body.previous_key_expires_at);
      await chatUntil(base, rotated.body.key, 200);
      assert.equal((await chat(base, k.key)).status, 200, 'the old secret still works in the grace period');
      const old = await chatUntil(base, k.key, 401);
      assert.equal(old.body.error.code, 'invalid_api_key');
      assert.equal((await chat(base, rotated.body.key)).status, 200);

      // Without a grace period, the old secret stops at once.
      const again = await admin('POST', `/admin/keys/${k.id}/rotate`);
      assert.equal(again.status, 200);
      secrets.push(again.body.key);
      assert.equal(again.body.previous_key_expires_at, null);
      await chatUntil(base, again.body.key, 200);
      assert.equal((await chat(base, rotated.body.key)).status, 401);
    });

    test('PATCH models: another model is a 403 naming it, and /v1/models lists only the allowed ones', async () => {
      const k = await newKey();
      await chatUntil(base, k.key, 200, 'm2');
      const patched = await admin('PATCH', `/admin/keys/${k.id}`, { models: ['m1'], name: 'only m1', rpm: 1000 });
      assert.equal(patched.status, 200);
      assert.deepEqual(patched.body.models, ['m1']);
      assert.equal(patched.body.name, 'only m1');
      assert.equal(patched.body.rpm, 1000);
      const refused = await chatUntil(base, k.key, 403, 'm2');
      assert.match(refused.body.error.message, /m2/);
      assert.equal((await chat(base, k.key, 'm1')).status, 200);
      const models = await call(base, 'GET', '/v1/models', undefined, k.key);
      assert.deepEqual(models.body.data.map((m: { id: string }) => m.id), ['m1']);
      // null clears a limit; [] allows every model again.
      const cleared = await admin('PATCH', `/admin/keys/${k.id}`, { models: [], rpm: null });
      assert.equal(cleared.body.rpm, null);
      await chatUntil(base, k.key, 200, 'm2');
    });

    test('expiry: a key past its expires_at is a 401 that says it expired; a time already past is refused', async () => {
      const k = await newKey();
      const soon = new Date(Date.now() + 1500).toISOString();
      const patched = await admin('PATCH', `/admin/keys/${k.id}`, { expires_at: soon });
      assert.equal(patched.body.expires_at, soon);
      const refused = await chatUntil(base, k.key, 401);
      assert.equal(refused.body.error.code, 'expired_api_key');
      assert.equal((await admin('GET', `/admin/keys/${k.id}`)).body.status, 'expired');
      const past = await admin('POST', '/admin/keys', { name: 'x', expires_at: 1_000_000_000 });
      assert.equal(past.status, 400);
      assert.equal(past.body.error.param, 'expires_at');
      const inSeconds = await newKey({ expires_at: Math.floor(Date.now() / 1000) + 3600 });
      assert.ok(Date.parse(inSeconds.expires_at) > Date.now());
    });

    test('an account disabled, then deleted: its keys are refused, then revoked', async () => {
      const account = (await admin('POST', '/admin/accounts', { name: 'B' })).body;
      const k = await newKey({ account_id: account.id });
      await chatUntil(base, k.key, 200);
      const disabled = await admin('PATCH', `/admin/accounts/${account.id}`, { status: 'disabled', email: null });
      assert.equal(disabled.body.status, 'disabled');
      assert.equal((await chatUntil(base, k.key, 401)).body.error.code, 'account_disabled');
      const deleted = await admin('DELETE', `/admin/accounts/${account.id}`);
      assert.deepEqual(deleted.body, { object: 'account', id: account.id, deleted: true });
      assert.equal((await admin('GET', `/admin/accounts/${account.id}`)).status, 404);
      assert.equal((await admin('GET', `/admin/keys/${k.id}`)).body.status, 'revoked');
    });

    test('bad input is a 400 naming the field', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/admin/keys', {}, 'name'],
        ['POST', '/admin/keys', { name: 'x', rpm: -1 }, 'rpm'],
        ['POST', '/admin/keys', { name: 'x', rpm: 1.5 }, 'rpm'],
        ['POST', '/admin/keys', { name: 'x', models: 'm1' }, 'models'],
        ['POST', '/admin/keys', { name: 'x', models: [''] }, 'models[0]'],
        ['POST', '/admin/keys', { name: 'x', budget_usd: -1 }, 'budget_usd'],
        ['POST', '/admin/keys', { name: 'x', budget_period: 'year' }, 'budget_period'],
        ['POST', '/admin/keys', { name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
        ['POST', '/admin/keys', { name: 'x', expires_in: 'a while' }, 'expires_in'],
        ['POST', '/admin/keys', { name: 'x', expires_in: '1d', expires_at: 2_000_000_000 }, 'expires_in'],
        ['POST', '/admin/keys', { name: 'x', metadata: [1] }, 'metadata'],
        ['POST', '/admin/keys', { name: 'x', secret: 'mine' }, 'secret'],
        ['POST', '/admin/keys', { name: 'x', account_id: 'acct_nobody' }, 'account_id'],
        ['POST', '/admin/accounts', { name: 'x', email: 'not an email' }, 'email'],
        ['POST', '/admin/accounts', { name: 'x', status: 'paused' }, 'status'],
        ['POST', '/admin/accounts', { name: '' }, 'name'],
        ['GET', '/admin/usage?group_by=week', undefined, 'group_by'],
        ['GET', '/admin/usage?from=last-tuesday', undefined, 'from'],
        ['GET', '/admin/usage?from=2026-02-01&to=2026-01-01', undefined, 'to'],
        ['GET', '/admin/usage?groupby=day', undefined, 'groupby'],
        ['GET', '/admin/requests?limit=0', undefined, 'limit'],
        ['GET', '/admin/requests?limit=ten', undefined, 'limit'],
        ['GET', '/admin/requests?status=42', undefined, 'status'],
        ['GET', '/admin/requests?cursor=abc', undefined, 'cursor'],
      ];
      for (const [method, path, body, param] of cases) {
        const r = await admin(method, path, body);
        assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.type, 'invalid_request_error');
        assert.equal(r.body.error.param, param, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, new RegExp(param.replace(/[[\]]/g, '\\$&')));
      }
      const k = await newKey();
      const patch = await admin('PATCH', `/admin/keys/${k.id}`, { max_concurrency: 'four' });
      assert.equal(patch.body.error.param, 'max_concurrency');
      const rotate = await admin('POST', `/admin/keys/${k.id}/rotate`, { grace_period_s: -5 });
      assert.equal(rotate.body.error.param, 'grace_period_s');
      const json = await admin('POST', '/admin/accounts', '{"name": ');
      assert.equal(json.status, 400);
      assert.equal(json.body.error.code, 'invalid_json');
    });

    test('unknown ids are 404s', async () => {
      for (const [method, path, body] of [
        ['GET', '/admin/keys/nosuchkey123'], ['PATCH', '/admin/keys/nosuchkey123', { name: 'x' }], ['DELETE', '/admin/keys/nosuchkey123'],
        ['POST', '/admin/keys/nosuchkey123/rotate', {}],
        ['GET', '/admin/accounts/acct_nobody'], ['PATCH', '/admin/accounts/acct_nobody', { name: 'x' }], ['DELETE', '/admin/accounts/acct_nobody'],
      ] as Array<[string, string, unknown?]>) {
        const r = await admin(method, path, body);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.body.error.param, 'id');
        assert.match(r.body.error.message, /nosuchkey123|acct_nobody/);
      }
    });

    test('/admin/usage and /admin/requests show the requests made; budgets show what was used', async () => {
      const account = (await admin('POST', '/admin/accounts', { name: 'metered', budget_usd: 10, budget_period: 'day' })).body;
      const k = await newKey({ account_id: account.id, budget_usd: 1 });
      upstream.reply = { choices: [{ text: 'metered' }], usage: { prompt_tokens: 1000, completion_tokens: 500 } };
      await chatUntil(base, k.key, 200);
      assert.equal((await chat(base, k.key, 'm2')).status, 200);
      assert.equal((await chat(base, k.key, 'nope')).status, 404);

      let page: Answer | undefined;
      await until(async () => (page = await admin('GET', `/admin/requests?key=${k.id}`)).body.data.length === 3, 'three records of the key');
      const [missing, unpriced, priced] = page!.body.data;
      assert.equal(missing.status, 404);
      // An unknown model name is not recorded (it would become a rollup key).
      assert.equal(missing.model, null);
      assert.equal(unpriced.model, 'm2');
      assert.equal(unpriced.unpriced, true);
      assert.equal(priced.model, 'm1');
      assert.equal(priced.key_id, k.id);
      assert.equal(priced.account_id, account.id);
      assert.equal(priced.input_tokens, 1000);
      assert.equal(priced.output_tokens, 500);
      // 1000 × $2/M + 500 × $8/M
      assert.equal(priced.cost_usd, 0.006);
      assert.equal(priced.endpoint, '/v1/chat/completions');
      assert.ok(Date.parse(priced.created_at) <= Date.now());

      const first = await admin('GET', `/admin/requests?key=${k.id}&limit=2`);
      assert.equal(first.body.data.length, 2);
      assert.equal(first.body.has_more, true);
      const second = await admin('GET', `/admin/requests?key=${k.id}&limit=2&cursor=${first.body.next_cursor}`);
      assert.deepEqual(second.body.data.map((r: { request_id: string }) => r.request_id), [priced.request_id]);
      assert.equal(second.body.has_more, false);
      assert.equal(second.body.next_cursor, null);
      const errors = await admin('GET', `/admin/requests?key=${k.id}&status=404`);
      assert.deepEqual(errors.body.data.map((r: { request_id: string }) => r.request_id), [missing.request_id]);

      const byModel = await admin('GET', `/admin/usage?key=${k.id}&group_by=model`);
      assert.equal(byModel.status, 200);
      const row = (m: string | null) => byModel.body.data.find((r: { group: string | null }) => r.group === m);
      assert.equal(row('m1').requests, 1);
      assert.equal(row('m1').input_tokens, 1000);
      assert.equal(row('m1').cost_usd, 0.006);
      assert.equal(row('m1').unpriced, 0);
      assert.ok(row('m1').latency_p50_ms !== null);
      assert.equal(row('m2').unpriced, 1);
      assert.equal(row(null).errors, 1);
      assert.equal(byModel.body.unpriced, 1);
      assert.match(byModel.body.notice, /without pricing/);

      const byKey = await admin('GET', `/admin/usage?account=${account.id}&group_by=key`);
      assert.deepEqual(byKey.body.data.map((r: { group: string; requests: number }) => [r.group, r.requests]), [[k.id, 3]]);
      const byDay = await admin('GET', `/admin/usage?key=${k.id}&group_by=day&from=${Math.floor(Date.now() / 1000) - 86_400}`);
      assert.equal(byDay.body.data.length, 1);
      assert.match(byDay.body.data[0].group, /T00:00:00\.000Z$/);
      assert.equal(byDay.body.data[0].requests, 3);

      await until(async () => (await admin('GET', `/admin/keys/${k.id}`)).body.budget_used_usd === 0.006, "the key's budget used");
      const key = (await admin('GET', `/admin/keys/${k.id}`)).body;
      assert.equal(key.budget_usd, 1);
      assert.equal(key.budget_left_usd, 0.994);
      assert.ok(Date.parse(key.budget_resets_at) > Date.now());
      const acct = (await admin('GET', `/admin/accounts/${account.id}`)).body;
      assert.equal(acct.budget_used_usd, 0.006);
      assert.equal(acct.budget_period, 'day');
      assert.ok(Date.parse(acct.budget_resets_at) - Date.now() <= 86_400_000);
    });

    test('no key, secret or admin key is ever logged', () => {
      const text = JSON.stringify(log.lines);
      assert.ok(log.lines.some((l) => typeof l.path === 'string' && l.path.startsWith('/admin/')), 'admin requests are logged');
      for (const s of secrets) assert.ok(!text.includes(s), 'a secret was logged');
    });
  });
}
