import { z } from 'zod';
import { LinguaError } from '../canonical/index.js';
import { formatPath } from '../lib/format-path.js';
import { safeParseReporting, validationError } from '../lib/validation-error.js';
import { parseDuration, parseTime } from './times.js';

/**
 * What the admin API accepts, validated once at the edge: bodies and query
 * strings are strict (an unknown field is a 400 naming it, not a setting
 * silently ignored), money is USD, times are RFC 3339 or Unix seconds.
 * Outputs are Lingua's own units: ms and nano-USD are made by the service.
 */

/** The most USD a budget may be: nano-USD stay exact in a JS number up to about $9M. */
const MAX_BUDGET_USD = 9_000_000;
const MAX_METADATA_CHARS = 16_384;
const MAX_GRACE_S = 30 * 86_400;

const name = z.string().trim().min(1).max(200);
const count = z.int().min(0).max(1_000_000_000).nullable();
const budgetUsd = z.number().min(0).max(MAX_BUDGET_USD).nullable();
const budgetPeriod = z.enum(['day', 'week', 'month', 'none']).nullable();
const metadata = z.record(z.string(), z.unknown()).nullable()
  .refine((m) => m === null || JSON.stringify(m).length <= MAX_METADATA_CHARS, `must be at most ${MAX_METADATA_CHARS} characters as JSON`);
const models = z.array(z.string().min(1).max(200)).max(256);

/** An RFC 3339 time (`2026-01-31T00:00:00Z`, or a date `2026-01-31` as 00:00 UTC) or Unix seconds, as ms. */
const timeMs = (value: number | string, ctx: z.RefinementCtx): number => {
  const ms = typeof value === 'number' ? value * 1000 : parseTime(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 time (2026-01-31T00:00:00Z) or Unix seconds' });
    return z.NEVER;
  }
  return ms;
};
const time = z.union([z.int().min(0), z.string()]).transform(timeMs);

/** A duration such as `30d` or `12h` (s, m, h, d, w), or whole seconds, as ms. */
export const duration = z.union([z.int().min(1), z.string()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value * 1000 : parseDuration(value);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30d, 12h or 90m (s, m, h, d, w), or whole seconds' });
    return z.NEVER;
  }
  return ms;
});

const limitFields = {
  rpm: count.optional(),
  tpm: count.optional(),
  max_concurrency: count.optional(),
  budget_usd: budgetUsd.optional(),
  budget_period: budgetPeriod.optional(),
  metadata: metadata.optional(),
};

export const accountCreateSchema = z.object({
  name,
  email: z.email().max(320).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
  ...limitFields,
}).strict();

export const accountPatchSchema = accountCreateSchema.partial().strict();

const keyFields = {
  name,
  account_id: z.string().min(1).max(100).nullable().optional(),
  /** Exact names and globs (`Ling-*`); empty = every model. */
  models: models.optional(),
  ...limitFields,
  expires_at: time.nullable().optional(),
  /** Instead of `expires_at`: this long from now. */
  expires_in: duration.optional(),
};

const oneExpiry = (k: { expires_at?: unknown; expires_in?: unknown }) => k.expires_at === undefined || k.expires_in === undefined;
const oneExpiryMessage = { message: "give 'expires_at' or 'expires_in', not both", path: ['expires_in'] };

export const keyCreateSchema = z.object(keyFields).strict().refine(oneExpiry, oneExpiryMessage);
export const keyPatchSchema = z.object(keyFields).partial().strict().refine(oneExpiry, oneExpiryMessage);

export const rotateSchema = z.object({
  /** How long the secret before this rotation keeps working (default 0: it stops at once). */
  grace_period_s: z.int().min(0).max(MAX_GRACE_S).optional(),
}).strict();

export const keysQuerySchema = z.object({ account_id: z.string().min(1).optional() }).strict();

/** Query-string values are strings: a whole number within bounds. */
const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^\d{1,10}$/, 'must be a whole number').transform(Number).pipe(z.int().min(min).max(max));

const queryTime = z.string().transform(timeMs);

const usageFilters = {
  from: queryTime.optional(),
  to: queryTime.optional(),
  key: z.string().min(1).optional(),
  account: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
};

export const usageQuerySchema = z.object({
  ...usageFilters,
  group_by: z.enum(['key', 'account', 'model', 'day', 'hour']).default('day'),
}).strict();

export const requestsQuerySchema = z.object({
  ...usageFilters,
  status: wholeNumber(100, 599).optional(),
  limit: wholeNumber(1, 1000).default(50),
  cursor: z.string().min(1).max(64).optional(),
}).strict();

export type AccountPatchInput = z.output<typeof accountPatchSchema>;
export type KeyPatchInput = z.output<typeof keyPatchSchema>;

/**
 * The input as `schema` reads it, or a 400 that names the field in the
 * project's words (an unknown field named as the field itself).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = safeParseReporting(schema, input ?? {});
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  if (first?.code === 'unrecognized_keys') {
    const param = formatPath([...first.path, first.keys[0]!]);
    throw new LinguaError('invalid_request', `Unrecognized field: '${param}'.`, { param, code: 'unknown_field' });
  }
  throw validationError(parsed.error);
}
