import assert from 'node:assert/strict';
import { setTimeout } from 'node:timers/promises';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { until } from '../support/until.js';
import { ADMIN_KEY, buildConsole, ConsoleClient } from './support.js';

/**
 * The console in a real browser: Debian's Chromium (never a downloaded
 * one), driven by playwright-core, against a real Lingua on a loopback
 * port with a fake upstream. Without /usr/bin/chromium (or
 * $LINGUA_TEST_CHROMIUM) the test is skipped with a notice, except under
 * CI, where it fails.
 */
const CHROMIUM = process.env.LINGUA_TEST_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Screenshots of every page, kept as test artifacts (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../../../test-results/console/', import.meta.url));
const PASSWORD = 'member password 123';

function chromiumSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const reason = `${CHROMIUM} is missing: the console's browser test is skipped (apt-get install -y chromium)`;
  if (process.env.CI) throw new Error(`${reason}; under CI it must run`);
  console.log(`# NOTICE: ${reason}`);
  return reason;
}

const skip = chromiumSkip();

describe('the console in Chromium', { skip }, () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  let browser: Browser;
  let operatorContext: BrowserContext;
  let memberContext: BrowserContext;
  let operator: Page;
  let member: Page;
  /** Another account's key, made through the API: the member must never see it. */
  let otherKey: { id: string; name: string };
  let inviteLink: string;
  let secret: string;

  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
  const goto = async (page: Page, route: string, heading: string) => {
    await page.goto(`${server.url}/console/#/${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  before(async () => {
    await Promise.all([buildConsole(), mkdir(ARTIFACTS, { recursive: true })]);
    server = await startLingua({
      admin_key: ADMIN_KEY,
      providers: [{ name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'upstream-secret' }],
      models: [{ name: 'm1', provider: 'up', pricing: { input: 2, output: 8 }, context_length: 8192 }],
    });
    const api = new ConsoleClient(server.url);
    await api.loginOperator();
    const b = await api.call('POST', '/accounts', { name: 'Team B' });
    otherKey = (await api.call('POST', '/keys', { name: 'team-b-secret-key', account_id: b.body.id })).body;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    operatorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    memberContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await memberContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    operator = await operatorContext.newPage();
    member = await memberContext.newPage();
    for (const page of [operator, member]) page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await upstream.close();
  });

  test('the operator logs in with the admin key, creates an account and an invite', async () => {
    await operator.goto(`${server.url}/console`);
    await shot(operator, '01-login');
    await operator.getByLabel('Operator').check();
    await operator.getByLabel('Admin key').fill('not-the-admin-key');
    await operator.getByRole('button', { name: 'Log in' }).click();
    await operator.getByText('Incorrect admin key provided.').waitFor();
    assert.equal(await operator.getByLabel('Admin key').getAttribute('aria-invalid'), 'true', 'the error sits at its field');
    await operator.getByLabel('Admin key').fill(ADMIN_KEY);
    await operator.getByRole('button', { name: 'Log in' }).click();
    await operator.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();

    await goto(operator, 'accounts', 'Accounts');
    await operator.getByRole('button', { name: 'New account' }).click();
    await operator.getByRole('dialog').getByRole('button', { name: 'Create account' }).click();
    await operator.locator('#account-name-error').waitFor();
    await operator.getByLabel('Name').fill('Team A');
    await operator.getByLabel('Budget (USD)').fill('5');
    await operator.getByRole('dialog').getByRole('button', { name: 'Create account' }).click();
    await operator.getByLabel('Invite by email').fill('alice@example.com');
    await operator.getByRole('button', { name: 'Create invite link' }).click();
    inviteLink = (await operator.getByTestId('invite-link').textContent())!;
    assert.match(inviteLink, new RegExp(`^${server.url}/console/#/invite/[A-Za-z0-9_-]{43}$`));
    await shot(operator, '02-accounts');
  });

  test('the member accepts it, sets a password, creates a token and copies it; the OpenAI SDK succeeds with it', async () => {
    await member.goto(inviteLink);
    await member.getByText('You are invited to the account').waitFor();
    await shot(member, '03-invite');
    await member.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await member.getByLabel('Password again').fill(PASSWORD);
    await member.getByRole('button', { name: 'Set password and log in' }).click();
    await member.getByText('No keys yet').waitFor();
    assert.equal(new URL(member.url()).hash, '#/keys', 'the spent token is gone from the address bar');
    await shot(member, '04-keys-empty');

    await member.getByRole('button', { name: 'Create Token' }).first().click();
    const dialog = member.getByRole('dialog');
    await dialog.getByLabel('Name').fill('laptop');
    await dialog.getByLabel('Requests per minute').fill('1.5');
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    await dialog.locator('#create-rpm-error').waitFor();
    assert.match((await dialog.locator('#create-rpm-error').textContent())!, /rpm/, "the API's 400 shows next to the field it names");
    await dialog.getByLabel('Requests per minute').fill('60');
    await dialog.getByRole('button', { name: 'Create Token' }).click();
    const shown = member.getByTestId('secret');
    await shown.waitFor();
    secret = (await shown.textContent())!;
    assert.match(secret, /^sk-lingua-[A-Za-z0-9]{12}-[A-Za-z0-9]+$/);
    await member.getByRole('button', { name: 'Copy key' }).click();
    await member.getByText('Copied').waitFor();
    // The page's own globals (the test's tsconfig has no DOM types): as expressions.
    const copied = await member.evaluate<string>('navigator.clipboard.readText()');
    assert.equal(copied, secret);
    await member.getByRole('tab', { name: 'OpenAI SDK (Node)' }).click();
    assert.match((await member.getByRole('tabpanel').textContent())!, new RegExp(`baseURL: '${server.url}/v1', apiKey: '${secret}'`));
    await shot(member, '05-token-created');
    await member.getByRole('button', { name: 'Done' }).click();

    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: copied, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(answer.choices[0]?.message.content, 'Hello from the fake upstream.');
    await shot(member, '06-keys');
  });

  test("the member's usage chart and requests table show that request", async () => {
    // The ledger commits within ~50 ms: wait for the record, then look.
    await until(async () => (await member.evaluate(async () => ((await (await fetch('/console/api/requests')).json()) as { data: unknown[] }).data.length)) === 1, 'the request in the ledger');
    await goto(member, 'usage', 'Usage');
    await member.getByTestId('chart-requests-summary').filter({ hasText: '1 in range' }).waitFor();
    await member.locator('[data-testid=chart-requests] canvas').first().waitFor();
    const row = member.getByTestId('usage-table').getByRole('row', { name: /laptop/ });
    assert.equal(await row.locator('td').first().textContent(), '1', 'one request, by the key laptop');
    await shot(member, '07-usage');

    await goto(member, 'requests', 'Requests');
    const request = member.getByTestId('requests-table').locator('tbody tr');
    await request.first().waitFor();
    assert.equal(await request.count(), 1);
    assert.deepEqual(await request.locator('td').allTextContents().then((cells) => cells.slice(0, 4)), ['laptop', 'm1', '200', '7 / 6']);
    await shot(member, '08-requests');
    await request.getByRole('button').click();
    await member.getByRole('dialog', { name: 'Request' }).getByText('/v1/chat/completions').first().waitFor();
    await shot(member, '09-request-record');
    await member.keyboard.press('Escape');
    await member.getByRole('dialog').waitFor({ state: 'detached' });
  });

  test("revoking the token makes the next SDK request fail with 401; the member never sees another account's keys", async () => {
    await goto(member, 'keys', 'Keys');
    assert.equal(await member.getByText(otherKey.name).count(), 0, "another account's key is not listed");
    await member.getByRole('button', { name: 'Revoke laptop' }).click();
    await shot(member, '10-revoke-confirm');
    await member.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await member.getByText('No active keys').waitFor();
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: secret, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Hello' }] }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 401);

    // The same through the API, with the browser's own session.
    const seen = await member.evaluate(async (other) => {
      const csrf = ((await (await fetch('/console/api/session')).json()) as { csrf_token: string }).csrf_token;
      const headers = { 'content-type': 'application/json', 'x-csrf-token': csrf };
      const list = ((await (await fetch('/console/api/keys')).json()) as { data: Array<{ id: string }> }).data.map((k) => k.id);
      const filtered = (await fetch(`/console/api/keys?account_id=${encodeURIComponent('acct_other')}`)).status;
      const revoke = (await fetch(`/console/api/keys/${other}`, { method: 'DELETE', headers, body: '{}' })).status;
      const rotate = (await fetch(`/console/api/keys/${other}/rotate`, { method: 'POST', headers, body: '{}' })).status;
      return { list, filtered, revoke, rotate };
    }, otherKey.id);
    assert.ok(!seen.list.includes(otherKey.id));
    assert.deepEqual([seen.filtered, seen.revoke, seen.rotate], [403, 404, 404]);
  });

  test('the other pages: models, playground (streaming through /v1/chat/completions, /v1/messages and /v1/responses), and the operator\'s views', async () => {
    await goto(member, 'models', 'Models');
    await member.getByText('$2 in · $8 out per 1M tokens').waitFor();
    await shot(member, '11-models-member');

    await goto(member, 'playground', 'Playground');
    await member.getByText('made for this session').waitFor();
    await member.getByLabel('System prompt').fill('Be brief.');
    await member.getByRole('textbox', { name: 'Message' }).fill('Hello there');
    await member.getByRole('button', { name: 'Send' }).click();
    await member.locator('.turn.assistant').getByText('Hello from the fake upstream.').waitFor();
    assert.match((await member.getByTestId('raw-response').textContent())!, /data: \[DONE\]/);
    assert.equal(upstream.last.body.stream, true);
    await member.getByLabel('Anthropic Messages').check();
    await member.getByRole('textbox', { name: 'Message' }).fill('And again');
    await member.getByRole('button', { name: 'Send' }).click();
    await member.getByTestId('raw-response').getByText('event: message_stop').waitFor();
    assert.match((await member.getByTestId('raw-request').textContent())!, /POST .*\/v1\/messages/);
    await member.getByLabel('OpenAI Responses').check();
    await member.getByRole('textbox', { name: 'Message' }).fill('Once more');
    await member.getByRole('button', { name: 'Send' }).click();
    await member.getByTestId('raw-response').getByText('event: response.completed').waitFor();
    assert.match((await member.getByTestId('raw-request').textContent())!, /POST .*\/v1\/responses/);
    assert.equal(await member.locator('.turn.assistant').count(), 3);
    assert.equal((upstream.last.body.messages as Array<{ content: unknown }>).at(-1)?.content, 'Once more');
    await shot(member, '12-playground');

    await goto(operator, 'models', 'Models');
    await operator.getByRole('cell', { name: 'up', exact: true }).waitFor();
    await shot(operator, '13-models-operator');
    await operator.getByRole('button', { name: 'Reload config' }).click();
    await operator.getByRole('dialog').getByRole('button', { name: 'Reload' }).click();
    await operator.getByText('this server was not started from a config file').waitFor();
    await operator.keyboard.press('Escape');
    await goto(operator, 'usage', 'Usage');
    await operator.getByTestId('chart-requests-summary').filter({ hasText: /[1-9] in range/ }).waitFor();
    await shot(operator, '14-usage-operator');
    await goto(operator, 'keys', 'Keys');
    await operator.getByText(otherKey.name).waitFor();
    await shot(operator, '15-keys-operator');
  });

  test('readable on a 390-px phone: nothing wider than the screen, the navigation reachable', async () => {
    await member.setViewportSize({ width: 390, height: 844 });
    for (const [route, heading] of [['keys', 'Keys'], ['usage', 'Usage'], ['requests', 'Requests'], ['playground', 'Playground']] as const) {
      await goto(member, route, heading);
      // Measured once the page has its data: no loading notice left (not
      // 'networkidle', which a slow machine's half-second of quiet may never give).
      while (await member.locator('.loading').count() > 0) await setTimeout(50);
      await shot(member, `16-phone-${route}`);
      const width = await member.evaluate<number>('document.documentElement.scrollWidth');
      assert.ok(width <= 390, `${route} is ${width}px wide on a 390-px screen`);
    }
    // Keyboard, from the top of the page: the skip link first, then the navigation.
    await member.reload();
    await member.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    await member.keyboard.press('Tab');
    assert.equal(await member.evaluate<string>('document.activeElement.textContent'), 'Skip to content');
    await member.keyboard.press('Tab');
    assert.equal(await member.evaluate<string>("document.activeElement.closest('nav') && document.activeElement.textContent"), 'Keys');
    await member.keyboard.press('Enter');
    await member.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
  });
});
