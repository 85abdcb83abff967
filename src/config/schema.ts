import { z } from 'zod';
import { providerFactories } from '../providers/registry.js';
import { paramRangesSchema } from '../params/param-ranges-schema.js';
import { unsupportedParamsSchema } from '../params/unsupported-policy.js';
import { searchConfigSchema } from '../search/search-config.js';
import { pricingSchema } from '../pricing/pricing.js';
import { defaultRouting, modelIssues, modelRoutingFields, routingSchema } from '../router/routing-config.js';

const serverSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65535).default(8080),
  /** Largest request body accepted, in MiB; larger → 413. */
  body_limit_mb: z.number().positive().default(20),
  /** Seconds of upstream silence before an SSE heartbeat is sent. */
  heartbeat_s: z.number().positive().default(15),
  /** A stream whose client takes no data for this long is ended (and its backend call stopped). */
  stream_stall_s: z.number().positive().default(30),
  /** A stream whose client leaves this much unread is ended. */
  stream_max_unsent_mb: z.number().positive().default(8),
  /** Longest time a client may take to send its request (not the generation). */
  request_timeout_s: z.number().positive().default(60),
  /** On SIGINT/SIGTERM, how long in-flight requests may take to finish. */
  shutdown_grace_s: z.number().min(0).default(10),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: human-readable on a terminal, JSON lines otherwise; `json` or `pretty` to choose. */
  log_format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** Where the SQLite database lives (when no `database_url` is set); default `$LINGUA_DATA_DIR` or the user's data directory. */
  data_dir: z.string().min(1).optional(),
  /** Write one usage record per generating request (the ledger behind usage, costs and budgets). Off: nothing is recorded, and budgets only see what was spent before. */
  usage_ledger: z.boolean().default(true),
  /** Days a stored response (Responses API, `store: true`) is kept, OpenAI's 30 by default; 0 keeps them until deleted. Read at start. */
  responses_retention_days: z.number().min(0).default(30),
  /** Failed authentications one address may make per minute before it is refused for a while (429). */
  auth_failures_per_minute: z.int().min(1).default(30),
}).strict();

const budgetPeriod = z.enum(['day', 'week', 'month', 'none']);

/** Limits a key or an account may carry (absent: no limit). */
const limitFields = {
  rpm: z.int().min(0).optional(),
  tpm: z.int().min(0).optional(),
  max_concurrency: z.int().min(0).optional(),
  budget_usd: z.number().min(0).optional(),
  budget_period: budgetPeriod.default('month'),
};

const keySchema = z.object({
  name: z.string().min(1),
  key: z.string().min(8, 'must be at least 8 characters'),
  /** Models the key may use: exact names and globs (`Ling-*`); absent or empty: all. */
  models: z.array(z.string().min(1)).default([]),
  ...limitFields,
}).strict();

const modelSchema = z.object({
  /** The name clients ask for. */
  name: z.string().min(1),
  /** A `providers[].name` (or `targets`: several, see docs/routing.md). */
  provider: z.string().min(1).optional(),
  /** The backend's own model id; defaults to `name`. */
  model: z.string().min(1).optional(),
  owned_by: z.string().default('lingua'),
  /** Narrower parameter ranges than the protocol's (Ling models: `temperature: { min: 0, max: 1 }`). */
  params: paramRangesSchema.optional(),
  /** USD per million tokens; default: the provider's `pricing`; none: the model costs 0 and usage says it is unpriced. */
  pricing: pricingSchema.optional(),
  /** Tokens of context (listed in /v1/models). */
  context_length: z.int().min(1).optional(),
  /** The most output tokens a request may ask for: a budget reserves this much when a request names no `max_tokens`. */
  max_output_tokens: z.int().min(1).optional(),
  /** An embedding model (served at POST /v1/embeddings, refused for chat); default: what its provider loads (docs/embeddings.md). */
  embedding: z.boolean().optional(),
  /** A parameter its backend lacks, or a value outside the backend's range: `adapt` (dropped or clamped, told in `x-lingua-adapted`) or `strict` (a 400); default: the top-level `unsupported_params`. */
  unsupported_params: unsupportedParamsSchema.optional(),
  /** Limits each key has on this model (beside its own and its account's). */
  limits: z.object({ rpm: limitFields.rpm, tpm: limitFields.tpm, max_concurrency: limitFields.max_concurrency }).strict().optional(),
  /** `targets`, `strategy`, `fallbacks`, `context_fallbacks`, `max_retries`, `retry_budget_s`, `cooldown`: docs/routing.md. */
  ...modelRoutingFields,
}).strict();

const providerSchema = z.discriminatedUnion(
  'type',
  // `native_search`: the provider serves `enable_search` itself (Ant Ling's API); see docs/search.md.
  // `pricing`: the default of the provider's models.
  providerFactories.map((f) => f.schema.extend({ native_search: z.boolean().default(false), pricing: pricingSchema.optional() }).strict()) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export const configSchema = z.object({
  server: serverSchema.default(serverSchema.parse({})),
  /** Guards the admin API (`Authorization: Bearer <admin key>`); default `$LINGUA_ADMIN_KEY`. Never accepted as a caller key. */
  admin_key: z.string().min(16, 'must be at least 16 characters').optional(),
  /** PostgreSQL (`postgres://…`) for many instances; default `$DATABASE_URL`, else SQLite in `server.data_dir`. */
  database_url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** Redis (`redis://…`) for limits and budgets shared by many instances; default `$REDIS_URL`, else in memory. */
  redis_url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  keys: z.array(keySchema).default([]),
  providers: z.array(providerSchema).default([]),
  models: z.array(modelSchema).default([]),
  /** Retries, backoff and cooldowns: the defaults of every model (docs/routing.md). */
  routing: routingSchema.default(defaultRouting),
  /** The policy of models that set no `unsupported_params` (docs/model-params.md). */
  unsupported_params: unsupportedParamsSchema.default('adapt'),
  /** The web search backend for `enable_search`; see docs/search.md. */
  search: searchConfigSchema.optional(),
  /** A listener of its own for `GET /metrics`, served without a key (bind it to a private address); see docs/operations.md. */
  metrics: z.object({ host: z.string().min(1).default('127.0.0.1'), port: z.int().min(0).max(65535) }).strict().optional(),
}).strict().superRefine((config, ctx) => {
  const providers = new Set<string>();
  config.providers.forEach((p, i) => {
    const name = (p as { name: string }).name;
    if (providers.has(name)) ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider name '${name}'` });
    providers.add(name);
  });
  for (const issue of modelIssues(config.models, providers)) ctx.addIssue({ code: 'custom', ...issue });
  const keys = new Set<string>();
  config.keys.forEach((k, i) => {
    if (keys.has(k.key)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'key'], message: 'the same key is listed twice' });
    if (k.key === config.admin_key) ctx.addIssue({ code: 'custom', path: ['keys', i, 'key'], message: 'must differ from admin_key (the admin key is never a caller key)' });
    keys.add(k.key);
  });
});

export type Config = z.infer<typeof configSchema>;
export type ModelConfig = z.infer<typeof modelSchema>;
export type KeyConfig = z.infer<typeof keySchema>;
export type ProviderConfig = { name: string; type: string } & Record<string, unknown>;
