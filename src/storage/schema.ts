import type { ColumnType, Generated } from 'kysely';
import { HISTOGRAM_BUCKETS } from './latency-histogram.js';

/**
 * The tables as Kysely sees them (snake_case, as stored). Times are integer
 * Unix milliseconds, money integer nano-USD, flags 0/1 integers, JSON
 * values text: the same column values on SQLite and PostgreSQL (see
 * dialect.ts for the few places the two differ). The repositories turn rows
 * into the camelCase types they export.
 */
export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  usage_records: UsageRecordsTable;
  usage_hourly: UsageRollupsTable;
  usage_daily: UsageRollupsTable;
  change_clock: ChangeClockTable;
  account_members: AccountMembersTable;
  console_invites: ConsoleInvitesTable;
  console_sessions: ConsoleSessionsTable;
  responses: ResponsesTable;
  server_secrets: ServerSecretsTable;
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'none';
export type AccountStatus = 'active' | 'disabled';

/** Limits, budget and metadata: accounts and keys both have them. */
export interface LimitColumns {
  rpm: number | null;
  tpm: number | null;
  max_concurrency: number | null;
  /** nano-USD per period. */
  budget: number | null;
  budget_period: BudgetPeriod | null;
  /** JSON text. */
  metadata: string | null;
}

export interface AccountsTable extends LimitColumns {
  id: string;
  name: string;
  email: string | null;
  status: AccountStatus;
  created_at: number;
  /** A change stamp (change-clock.ts): strictly increasing over every write to accounts and keys. */
  updated_at: number;
}

export interface ApiKeysTable extends LimitColumns {
  id: string;
  /** Hex SHA-256 of the whole secret string. */
  secret_hash: string;
  /** The secret before the last rotation, accepted until previous_expires_at. */
  previous_hash: string | null;
  previous_expires_at: number | null;
  start: string;
  account_id: string | null;
  name: string;
  /** JSON text: an array of exact model names and globs; `[]` = every model. */
  models: string;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
}

export interface UsageRecordsTable {
  id: Generated<number>;
  ts: number;
  cost: number;
  request_id: string;
  account_id: string | null;
  key_id: string | null;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  protocol: string;
  endpoint: string;
  error_kind: string | null;
  /** The caller's `user` field (OpenAI's end-user id). */
  end_user: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: number;
  attempts: number;
  stream: number;
  estimated: number;
  unpriced: number;
}

/** `lat_<b>` and `ttft_<b>`: request counts per histogram bucket (latency-histogram.ts). */
type BucketColumns<P extends string> = { [K in `${P}${number}`]: number };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The two rollup tables, and the span of time one row of each covers. */
export const ROLLUPS = [
  { table: 'usage_hourly', spanMs: HOUR_MS },
  { table: 'usage_daily', spanMs: DAY_MS },
] as const;
export type RollupTable = (typeof ROLLUPS)[number]['table'];

/**
 * One row per UTC hour (usage_hourly) or day (usage_daily) × key × model ×
 * account ('' where a record had none: primary-key columns cannot be NULL),
 * summed in the same transaction as the records it counts. Days answer
 * long ranges (a month is 30 rows per key and model, not 720); hours answer
 * the edges and `groupBy: 'hour'`.
 */
export type UsageRollupsTable = {
  /** The hour's or day's first ms. */
  start: number;
  account_id: string;
  key_id: string;
  model: string;
  requests: number;
  errors: number;
  unpriced: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost: number;
  /** Records with a time to first token (the TTFT histogram's total). */
  ttft_count: number;
} & BucketColumns<'lat_'> & BucketColumns<'ttft_'>;

/** One row: the last change stamp handed out (change-clock.ts). */
export interface ChangeClockTable {
  id: number;
  last_stamp: ColumnType<number, number, number>;
}

/** A person who logs in to the console as a member of one account (docs/console.md). */
export interface AccountMembersTable {
  /** `mem_` + 16 base-62 characters. */
  id: string;
  account_id: string;
  /** Lower-cased; unique over all accounts. */
  email: string;
  /** `scrypt$N$r$p$<salt>$<hash>` (base64url; src/console/passwords.ts). */
  password_hash: string;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

/** An invite to become (or, for a member already there, a new password of) a member of an account: single use, until it expires. */
export interface ConsoleInvitesTable {
  /** `inv_` + 16 base-62 characters: what lists show; the token itself is never stored. */
  id: string;
  /** Hex SHA-256 of the token. */
  token_hash: string;
  account_id: string;
  email: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A console login: the operator's (member_id null) or a member's. */
export interface ConsoleSessionsTable {
  /** Hex SHA-256 of the session id the cookie carries. */
  id_hash: string;
  member_id: string | null;
  /** An operator session: SHA-256 of the session id with the admin key it logged in with (another admin key ends it). */
  operator_key_hash: string | null;
  /** The short-lived key the playground made for this session (revoked with it). */
  playground_key_id: string | null;
  created_at: number;
  expires_at: number;
}

/** `lat_0` … : the bucket column names of one histogram. */
export function bucketColumns(prefix: 'lat_' | 'ttft_'): Array<`${typeof prefix}${number}`> {
  return Array.from({ length: HISTOGRAM_BUCKETS }, (_, b) => `${prefix}${b}` as const);
}

/** A response stored with `store: true` (the Responses API's state); JSON values as text. */
export interface ResponsesTable {
  /** `resp_…`, the id the client got. */
  id: string;
  /** The key's account ('' on a server without keys): reads are scoped to it. */
  account_id: string;
  key_id: string | null;
  created_at: number;
  model: string;
  previous_response_id: string | null;
  response: string;
  input_items: string;
}

/** A secret the server made for itself (0004), shared by every instance on the database. */
export interface ServerSecretsTable {
  name: string;
  created_at: number;
  /** base64. */
  value: string;
}
