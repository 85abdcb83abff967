import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FakeOpenAI } from '../support/fake-openai.js';
import { runCli } from '../support/cli-process.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { until } from '../support/until.js';

const keyShape = /sk-lingua-[A-Za-z0-9]{12}-[A-Za-z0-9]{32}/;

/** Runs `lingua <args>` to its end: exit code and everything it printed. */
async function lingua(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const run = runCli(args, env);
  const code = await run.exited;
  return { code, out: run.output() };
}

async function chat(url: string, key: string, model = 'm1'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, body: await res.json() };
}

async function chatUntil(url: string, key: string, status: number): Promise<{ status: number; body: any }> {
  let last: { status: number; body: any } | undefined;
  await until(async () => (last = await chat(url, key)).status === status, () => `a chat answering ${status} (last ${last?.status})`);
  return last!;
}

describe('lingua keys / accounts / usage on the server database', () => {
  const upstream = new FakeOpenAI();
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let server: TestServer;
  let providers: unknown[];
  const models = [{ name: 'm1', provider: 'up', pricing: { input: 1, output: 2 } }, { name: 'm2', provider: 'up' }];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lingua-cli-keys-'));
    env = { LINGUA_DATA_DIR: dataDir };
    providers = [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'upstream-secret' }];
  });
  after(async () => {
    await server?.close();
    await upstream.close();
  });

  test('a key created by the CLI works on a server on the same data directory; rotate and revoke reach the running server', async () => {
    const account = await lingua(['accounts', 'create', '--name', 'Team CLI', '--budget', '5', '--json'], env);
    assert.equal(account.code, 0, account.out);
    const accountId = JSON.parse(account.out).id as string;
    assert.match(accountId, /^acct_/);

    // The account by name; the key printed once, with its id.
    const created = await lingua(['keys', 'create', '--name', 'ci', '--account', 'Team CLI', '--models', 'm1', '--rpm', '100', '--budget', '2', '--period', 'day', '--expires', '30d'], env);
    assert.equal(created.code, 0, created.out);
    const key = created.out.match(keyShape)![0];
    const id = key.slice('sk-lingua-'.length, 'sk-lingua-'.length + 12);
    assert.match(created.out, new RegExp(`id ${id}`));
    assert.match(created.out, /only time the key is shown/);

    server = await startLingua({ server: { data_dir: dataDir }, providers, models });
    assert.equal((await chat(server.url, key)).status, 200);
    const outside = await chat(server.url, key, 'm2');
    assert.equal(outside.status, 403);
    assert.match(outside.body.error.message, /m2/);

    const shown = await lingua(['keys', 'show', id, '--json'], env);
    const view = JSON.parse(shown.out);
    assert.equal(view.account_id, accountId);
    assert.deepEqual(view.models, ['m1']);
    assert.equal(view.rpm, 100);
    assert.equal(view.budget_usd, 2);
    assert.equal(view.budget_period, 'day');
    assert.equal(view.key, undefined);
    assert.ok(!shown.out.includes(key.slice(-32)), 'show never prints the secret');

    const rotated = await lingua(['keys', 'rotate', id, '--grace', '1h'], env);
    assert.equal(rotated.code, 0, rotated.out);
    const newKey = rotated.out.match(keyShape)![0];
    assert.notEqual(newKey, key);
    assert.ok(newKey.startsWith(`sk-lingua-${id}-`), 'same id');
    assert.match(rotated.out, /old secret works until/);
    await chatUntil(server.url, newKey, 200);
    assert.equal((await chat(server.url, key)).status, 200, 'the old secret works in the grace period');

    const revoked = await lingua(['keys', 'revoke', id], env);
    assert.equal(revoked.code, 0, revoked.out);
    assert.match(revoked.out, new RegExp(`Revoked key 'ci' \\(id ${id}\\)`));
    const refused = await chatUntil(server.url, newKey, 401);
    assert.match(refused.body.error.message, /revoked/);
    assert.equal((await chat(server.url, key)).status, 401);

    const listed = await lingua(['keys', 'list', '--account', accountId], env);
    assert.equal(listed.code, 0, listed.out);
    assert.match(listed.out, /^ID\s+NAME\s+ACCOUNT\s+STATUS/);
    assert.match(listed.out, new RegExp(`${id}\\s+ci\\s+${accountId}\\s+revoked\\s+m1\\s+rpm 100`));
  });

  test('lingua usage prints a table of the requests made; --json gives the admin API object', async () => {
    const created = await lingua(['keys', 'create', '--name', 'metered', '--json'], env);
    const { key, id } = JSON.parse(created.out) as { key: string; id: string };
    upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1000, completion_tokens: 1000 } };
    await chatUntil(server.url, key, 200);
    assert.equal((await chat(server.url, key, 'm2')).status, 200);

    await until(async () => {
      const r = await lingua(['usage', '--by', 'model', '--key', id, '--json'], env);
      return r.code === 0 && (JSON.parse(r.out).data as unknown[]).length === 2;
    }, 'the usage of the key in the ledger', 15_000);
    const text = await lingua(['usage', '--by', 'model', '--key', id, '--from', '1d'], env);
    assert.equal(text.code, 0, text.out);
    assert.match(text.out, /MODEL\s+REQUESTS\s+INPUT\s+CACHED\s+OUTPUT\s+REASONING\s+COST/);
    // 1000 × $1/M + 1000 × $2/M
    assert.match(text.out, /\nm1\s+1\s+1,000\s+0\s+1,000\s+0\s+\$0\.0030\s+0/);
    assert.match(text.out, /\nm2\s+1\s+1,000/);
    assert.match(text.out, /\ntotal\s+2\s+2,000/);
    assert.match(text.out, /without pricing/);

    const byKey = await lingua(['usage', '--by', 'key', '--json'], env);
    const rows = JSON.parse(byKey.out).data as Array<{ group: string; requests: number }>;
    assert.equal(rows.find((r) => r.group === id)?.requests, 2);
  });

  test('accounts: update, show, list, delete (its keys revoked)', async () => {
    const created = JSON.parse((await lingua(['accounts', 'create', '--name', 'Temp', '--email', 'temp@example.com', '--json'], env)).out) as { id: string };
    const updated = await lingua(['accounts', 'update', 'Temp', '--status', 'disabled', '--rpm', '5', '--metadata', '{"tier":"trial"}', '--json'], env);
    assert.equal(updated.code, 0, updated.out);
    const view = JSON.parse(updated.out);
    assert.equal(view.status, 'disabled');
    assert.equal(view.rpm, 5);
    assert.deepEqual(view.metadata, { tier: 'trial' });
    const key = JSON.parse((await lingua(['keys', 'create', '--name', 'temp-key', '--account', created.id, '--json'], env)).out) as { id: string };
    const shown = await lingua(['accounts', 'show', created.id], env);
    assert.match(shown.out, /email\s+temp@example\.com/);
    assert.match((await lingua(['accounts', 'list'], env)).out, new RegExp(`${created.id}\\s+Temp\\s+temp@example\\.com\\s+disabled\\s+rpm 5`));
    // `none` clears a setting.
    const cleared = JSON.parse((await lingua(['accounts', 'update', created.id, '--rpm', 'none', '--metadata', 'none', '--email', 'none', '--json'], env)).out);
    assert.deepEqual([cleared.rpm, cleared.metadata, cleared.email], [null, null, null]);
    const deleted = await lingua(['accounts', 'delete', created.id], env);
    assert.equal(deleted.code, 0, deleted.out);
    assert.equal(JSON.parse((await lingua(['keys', 'show', key.id, '--json'], env)).out).status, 'revoked');
    const gone = await lingua(['accounts', 'show', created.id], env);
    assert.equal(gone.code, 1);
    assert.match(gone.out, /No account with id/);
  });

  test('bad input: a message naming the option, exit code 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['keys', 'create', '--name', 'x', '--rpm', 'lots'], /--rpm .* must be a whole number/],
      [['keys', 'create', '--name', 'x', '--expires', 'someday'], /'expires_at'.*\(--expires\)/],
      [['keys', 'create', '--name', 'x', '--period', 'year'], /'budget_period'.*\(--period\)/],
      [['keys', 'create', '--name', 'x', '--account', 'nobody'], /No account with id or name 'nobody'/],
      [['keys', 'show', 'nosuchkey123'], /No key with id 'nosuchkey123'/],
      [['keys', 'rotate', 'nosuchkey123', '--grace', 'a bit'], /--grace .* must be a duration/],
      [['usage', '--by', 'week'], /'group_by'.*\(--by\)/],
      [['keys', 'create'], /required option '--name <name>'/],
    ];
    for (const [args, message] of cases) {
      const r = await lingua(args, env);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
      assert.match(r.out, message, args.join(' '));
    }
  });

  test('--config: its server.data_dir is the database, and no other field of the file is needed', async () => {
    const file = join(dataDir, 'lingua.yaml');
    await writeFile(file, `server: { data_dir: "${dataDir}", port: 9999 }\nproviders:\n  - { name: up, type: openai, base_url: "http://127.0.0.1:1/v1", api_key: "\${SOME_UNSET_SECRET}" }\n`);
    // runCli points LINGUA_DATA_DIR at an empty directory of its own: the file wins.
    const listed = await lingua(['keys', 'list', '--json', '--config', file], {});
    assert.equal(listed.code, 0, listed.out);
    assert.ok((JSON.parse(listed.out).data as Array<{ name: string }>).some((k) => k.name === 'ci'));
    const viaEnv = await lingua(['keys', 'list', '--json'], { LINGUA_CONFIG: file });
    assert.deepEqual(JSON.parse(viaEnv.out), JSON.parse(listed.out));
    const fresh = await lingua(['keys', 'list'], {});
    assert.match(fresh.out, /No keys/);
    await writeFile(file, 'server: { data_dir: 7 }\n');
    const bad = await lingua(['keys', 'list', '--config', file], {});
    assert.equal(bad.code, 2);
    assert.match(bad.out, /config error: .*server\.data_dir/);
  });
});

const skip = await postgresSkip();

describe('lingua keys on PostgreSQL ($DATABASE_URL)', { skip }, () => {
  test('a key created with DATABASE_URL works on a server with that database_url', async () => {
    const schema = await freshPostgresSchema();
    const upstream = new FakeOpenAI();
    let server: TestServer | undefined;
    try {
      const created = await lingua(['keys', 'create', '--name', 'pg', '--json'], { DATABASE_URL: schema.url });
      assert.equal(created.code, 0, created.out);
      const { key } = JSON.parse(created.out) as { key: string };
      server = await startLingua({ database_url: schema.url, providers: [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'x' }], models: [{ name: 'm1', provider: 'up' }] });
      assert.equal((await chat(server.url, key)).status, 200);
      assert.equal((await chat(server.url, 'sk-lingua-000000000000-00000000000000000000000000000000')).status, 401);
    } finally {
      await server?.close();
      await upstream.close();
      await schema.drop();
    }
  });
});
