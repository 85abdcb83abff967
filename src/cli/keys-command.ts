import { Command, InvalidArgumentError } from 'commander';
import type { AdminService } from '../admin/admin-service.js';
import { parseDuration } from '../admin/times.js';
import type { KeyView, KeyWithSecret } from '../admin/views.js';
import {
  accountId, listValue, runAdmin, withCommonOptions, withLimitOptions, type CommonOptions, type LimitOptions, limitsBody,
} from './admin-command.js';
import { budgetText, details, limitsText, table, when } from './format.js';

interface KeyOptions extends CommonOptions, LimitOptions {
  name?: string;
  account?: string;
  models?: string[];
  expires?: string;
}

/** `--expires`: a duration from now (30d), a time (RFC 3339 or Unix seconds), or `never`. */
function expiryBody(expires: string | undefined): Record<string, unknown> {
  if (expires === undefined) return {};
  if (expires === 'never') return { expires_at: null };
  return parseDuration(expires) === undefined ? { expires_at: expires } : { expires_in: expires };
}

async function keyBody(admin: AdminService, o: KeyOptions): Promise<Record<string, unknown>> {
  return {
    ...(o.name === undefined ? {} : { name: o.name }),
    ...(o.account === undefined ? {} : { account_id: o.account === 'none' ? null : await accountId(admin, o.account) }),
    ...(o.models === undefined ? {} : { models: o.models }),
    ...expiryBody(o.expires),
    ...limitsBody(o),
  };
}

function withKeyOptions(command: Command): Command {
  return withCommonOptions(withLimitOptions(command
    .option('--account <account>', 'the account it belongs to (id or name; none: no account)')
    .option('--models <list>', 'models it may use: names and globs, comma-separated (default: all)', listValue)
    .option('--expires <when>', 'expiry: a duration from now (30d, 12h), an RFC 3339 time or Unix seconds; never: no expiry')));
}

/** `1h` or whole seconds, as seconds. */
function graceValue(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration such as 1h or 30m, or whole seconds');
  return Math.ceil(ms / 1000);
}

function keysTable(keys: readonly KeyView[]): string {
  if (keys.length === 0) return 'No keys. Create one with: lingua keys create --name NAME';
  return table(
    ['ID', 'NAME', 'ACCOUNT', 'STATUS', 'MODELS', 'LIMITS', 'BUDGET', 'EXPIRES', 'LAST USED'],
    keys.map((k) => [k.id, k.name, k.account_id, k.status, k.models.length === 0 ? 'all' : k.models.join(','), limitsText(k), budgetText(k), when(k.expires_at), when(k.last_used_at)]),
  );
}

function secretText(k: KeyWithSecret, what: string): string {
  return [
    `${what} key '${k.name}' (id ${k.id}):`,
    '',
    `  ${k.key}`,
    '',
    'This is the only time the key is shown: store it now.',
  ].join('\n');
}

function rotatedText(k: KeyWithSecret): string {
  const old = k.previous_key_expires_at === null ? 'The old secret stopped working.' : `The old secret works until ${k.previous_key_expires_at}.`;
  return `${secretText(k, 'Rotated')}\n${old}`;
}

/** `lingua keys …`: API keys on the server's database (a running server sees the changes within a second). */
export function keysCommand(): Command {
  const keys = new Command('keys').description("create, list, show, update, revoke and rotate API keys (on the server's database)");

  withKeyOptions(keys.command('create').description('create a key and print it (the only time it is shown)'))
    .requiredOption('--name <name>', 'a name for people')
    .action((o: KeyOptions) => runAdmin(o, async (admin) => {
      const k = await admin.createKey(await keyBody(admin, o));
      return { json: k, text: secretText(k, 'Created') };
    }));

  withCommonOptions(keys.command('list').description('list the keys (revoked ones included)'))
    .option('--account <account>', 'only the keys of this account (id or name)')
    .action((o: KeyOptions) => runAdmin(o, async (admin) => {
      const list = await admin.listKeys(o.account === undefined ? {} : { account_id: await accountId(admin, o.account) });
      return { json: list, text: keysTable(list.data) };
    }));

  withCommonOptions(keys.command('show').description('show one key').argument('<id>', "the key's id"))
    .action((id: string, o: CommonOptions) => runAdmin(o, async (admin) => {
      const k = await admin.getKey(id);
      return { json: k, text: details({ ...k }) };
    }));

  withKeyOptions(keys.command('update').description('change a key (only the options given)').argument('<id>', "the key's id"))
    .option('--name <name>', 'a new name')
    .action((id: string, o: KeyOptions) => runAdmin(o, async (admin) => {
      const k = await admin.updateKey(id, await keyBody(admin, o));
      return { json: k, text: details({ ...k }) };
    }));

  withCommonOptions(keys.command('revoke').description('revoke a key, for good').argument('<id>', "the key's id"))
    .action((id: string, o: CommonOptions) => runAdmin(o, async (admin) => {
      const k = await admin.revokeKey(id);
      return { json: k, text: `Revoked key '${k.name}' (id ${k.id}) at ${k.revoked_at}.` };
    }));

  withCommonOptions(keys.command('rotate').description('give a key a new secret (same id) and print it').argument('<id>', "the key's id"))
    .option('--grace <duration>', 'how long the old secret keeps working (1h, 30m, or seconds; default: it stops at once)', graceValue)
    .action((id: string, o: CommonOptions & { grace?: number }) => runAdmin(o, async (admin) => {
      const k = await admin.rotateKey(id, o.grace === undefined ? {} : { grace_period_s: o.grace });
      return { json: k, text: rotatedText(k) };
    }));

  return keys;
}
