import { InvalidArgumentError, type Command } from 'commander';
import type { AdminService } from '../admin/admin-service.js';
import { LinguaError } from '../canonical/index.js';
import { ConfigError } from '../config/load.js';
import { openAdmin, type DatabaseOptions } from './open-admin.js';

/**
 * What the admin commands (`lingua keys`, `accounts`, `usage`) share: the
 * options that find the database, `--json`, the limit options, and one way
 * to run a command and report its errors.
 */

export interface CommonOptions extends DatabaseOptions {
  json?: boolean;
}

/** A command's result: the API object for `--json`, and text for people. */
export interface Output {
  json: unknown;
  text: string;
}

export function withCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', "the server's YAML config file, for its database_url and server.data_dir (default: $LINGUA_CONFIG, else $DATABASE_URL, else $LINGUA_DATA_DIR or the default data directory)")
    .option('--json', 'print the JSON the admin API would answer');
}

/** Opens the database, runs the command, prints its output; errors on stderr with exit code 1 (2 for a config error). */
export async function runAdmin(options: CommonOptions, run: (admin: AdminService) => Promise<Output>): Promise<void> {
  let opened: Awaited<ReturnType<typeof openAdmin>> | undefined;
  try {
    opened = await openAdmin(options);
    const out = await run(opened.admin);
    process.stdout.write(`${options.json ? JSON.stringify(out.json, null, 2) : out.text}\n`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lingua: config error: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof LinguaError) {
      const option = error.param === undefined || error.param === 'id' ? '' : ` (${optionOf(error.param)})`;
      process.stderr.write(`lingua: ${error.message}${option}\n`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  } finally {
    await opened?.close();
  }
}

/** The option that sets an API field, for error messages. */
function optionOf(param: string): string {
  const field = param.replace(/[.[].*$/, '');
  const named: Record<string, string> = {
    budget_usd: '--budget', budget_period: '--period', expires_at: '--expires', expires_in: '--expires',
    grace_period_s: '--grace', account_id: '--account', account: '--account', group_by: '--by',
  };
  return named[field] ?? `--${field.replace(/_/g, '-')}`;
}

// Option values. `none` clears a setting: kept as the string (commander turns a parser's null into ''), made null in the body.

export type Clearable<T> = T | 'none';

const orNull = <T>(v: Clearable<T>): T | null => (v === 'none' ? null : v);

/** A whole number, or `none`. */
export function countValue(value: string): Clearable<number> {
  if (value === 'none') return value;
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number (or none)');
  return Number(value);
}

/** USD, or `none`. */
export function usdValue(value: string): Clearable<number> {
  if (value === 'none') return value;
  const n = Number(value.replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be an amount in USD (or none)');
  return n;
}

/** `a,b` → ['a', 'b']; an empty value is every model. */
export function listValue(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** A JSON object, or `none`. */
export function jsonObjectValue(value: string): Clearable<Record<string, unknown>> {
  if (value === 'none') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('must be a JSON object, e.g. \'{"team": "search"}\' (or none)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('must be a JSON object (or none)');
  return parsed as Record<string, unknown>;
}

export interface LimitOptions {
  rpm?: Clearable<number>;
  tpm?: Clearable<number>;
  maxConcurrency?: Clearable<number>;
  budget?: Clearable<number>;
  period?: string;
  metadata?: Clearable<Record<string, unknown>>;
}

/** The limit, budget and metadata options accounts and keys share. */
export function withLimitOptions(command: Command): Command {
  return command
    .option('--rpm <n>', 'requests per minute (none: no limit)', countValue)
    .option('--tpm <n>', 'tokens per minute, input + output (none: no limit)', countValue)
    .option('--max-concurrency <n>', 'requests at once (none: no limit)', countValue)
    .option('--budget <usd>', 'budget in USD per period (none: no budget)', usdValue)
    .option('--period <period>', 'budget period: day, week, month (default) or none (never resets)')
    .option('--metadata <json>', 'a JSON object kept for your own use (none: clear it)', jsonObjectValue);
}

/** The API body fields of the limit options given (absent ones left out). */
export function limitsBody(o: LimitOptions): Record<string, unknown> {
  return {
    ...(o.rpm === undefined ? {} : { rpm: orNull(o.rpm) }),
    ...(o.tpm === undefined ? {} : { tpm: orNull(o.tpm) }),
    ...(o.maxConcurrency === undefined ? {} : { max_concurrency: orNull(o.maxConcurrency) }),
    ...(o.budget === undefined ? {} : { budget_usd: orNull(o.budget) }),
    ...(o.period === undefined ? {} : { budget_period: o.period }),
    ...(o.metadata === undefined ? {} : { metadata: orNull(o.metadata) }),
  };
}

/** An account given by id (`acct_…`) or by its name, as its id. */
export async function accountId(admin: AdminService, given: string): Promise<string> {
  if (given.startsWith('acct_')) return given;
  const named = (await admin.listAccounts()).data.filter((a) => a.name === given);
  if (named.length === 1) return named[0]!.id;
  const message = named.length === 0 ? `No account with id or name '${given}'.` : `${named.length} accounts are named '${given}': give the id (lingua accounts list).`;
  throw new LinguaError('not_found', message, { param: 'account_id', code: 'account_not_found' });
}
