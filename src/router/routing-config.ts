import { z } from 'zod';

/** How models pick among their targets (docs/routing.md). */
export const strategies = ['weighted', 'least_inflight', 'lowest_latency'] as const;
export type Strategy = (typeof strategies)[number];

/** The circuit breaker of each target: `failures` in `window_s` cool it down for `duration_s`; 0 failures: never. */
const cooldownFields = {
  failures: z.int().min(0),
  window_s: z.number().positive(),
  duration_s: z.number().positive(),
};

export const cooldownSchema = z.object({
  failures: cooldownFields.failures.default(3),
  window_s: cooldownFields.window_s.default(60),
  duration_s: cooldownFields.duration_s.default(30),
}).strict();

/** The top-level `routing`: the defaults every model has, and where shared cooldowns live in Redis. */
export const routingSchema = z.object({
  /** Attempts again on a target that already failed in this request (another target is tried at once, without counting). */
  max_retries: z.int().min(0).max(10).default(2),
  /** No new attempt (retry or fallback) starts later than this after the request's first one. */
  retry_budget_s: z.number().min(0).default(30),
  /** Full jitter: a retry waits a random time below min(backoff_max_ms, backoff_base_ms × 2^(retry − 1)). */
  backoff_base_ms: z.number().min(0).default(250),
  backoff_max_ms: z.number().min(0).default(5000),
  /** The longest `retry-after` an upstream may make a retry wait; a longer one moves on to another target or fails. */
  retry_after_max_s: z.number().min(0).default(10),
  cooldown: cooldownSchema.default(cooldownSchema.parse({})),
  /** Put before the Redis keys of shared cooldowns (with `redis_url`). */
  redis_prefix: z.string().min(1).default('lingua:'),
  /** How often an instance re-reads the shared cooldowns from Redis. */
  cooldown_sync_ms: z.int().min(10).default(1000),
}).strict();

export type RoutingConfig = z.infer<typeof routingSchema>;
export const defaultRouting: RoutingConfig = routingSchema.parse({});

/** One place a model is served: `{provider, model?, weight?, tier?}`. */
export const targetSchema = z.object({
  /** A `providers[].name`. */
  provider: z.string().min(1),
  /** The backend's own model id; defaults to the model's `name`. */
  model: z.string().min(1).optional(),
  /** Share of the traffic among the targets of one tier (weighted strategy). */
  weight: z.number().positive().default(1),
  /** 1 is tried first; a higher tier only when every target of the lower ones is down or cooling. */
  tier: z.int().min(1).default(1),
}).strict();

export type TargetConfig = z.infer<typeof targetSchema>;

/** The routing fields of a `models[]` entry (beside `name`, `provider`, `model`, …); all optional. */
export const modelRoutingFields = {
  /** Several places the model is served (instead of `provider` and `model`). */
  targets: z.array(targetSchema).min(1).optional(),
  strategy: z.enum(strategies).optional(),
  /** Other models tried in order when every target of this one failed. */
  fallbacks: z.array(z.string().min(1)).optional(),
  /** Other models (larger contexts) tried in order when the request is too long for this one. */
  context_fallbacks: z.array(z.string().min(1)).optional(),
  max_retries: z.int().min(0).max(10).optional(),
  retry_budget_s: z.number().min(0).optional(),
  cooldown: z.object({ failures: cooldownFields.failures.optional(), window_s: cooldownFields.window_s.optional(), duration_s: cooldownFields.duration_s.optional() }).strict().optional(),
};

/** What the checks below read of a model entry. */
interface RoutedModel {
  name: string;
  provider?: string | undefined;
  model?: string | undefined;
  targets?: ReadonlyArray<{ provider: string }> | undefined;
  strategy?: string | undefined;
  fallbacks?: readonly string[] | undefined;
  context_fallbacks?: readonly string[] | undefined;
  max_retries?: number | undefined;
  retry_budget_s?: number | undefined;
  cooldown?: object | undefined;
}

/** The model-level routing fields: set on one listing of a model that is listed several times. */
const onceFields = ['strategy', 'fallbacks', 'context_fallbacks', 'max_retries', 'retry_budget_s', 'cooldown'] as const;

type Issue = { path: (string | number)[]; message: string };

/**
 * The checks of `models[]` that span entries: each listing has `provider`
 * or `targets` (not both), every provider exists, fallbacks name other
 * configured models, and a model listed several times sets each
 * model-level field on one listing only.
 */
export function modelIssues(models: readonly RoutedModel[], providers: ReadonlySet<string>): Issue[] {
  const issues: Issue[] = [];
  const known = `(known: ${[...providers].join(', ') || 'none'})`;
  const names = new Set(models.map((m) => m.name));
  const setAt = new Map<string, number>();
  models.forEach((m, i) => {
    if (m.targets === undefined) {
      if (m.provider === undefined) issues.push({ path: ['models', i], message: "needs 'provider' (and 'model') or 'targets'" });
      else if (!providers.has(m.provider)) issues.push({ path: ['models', i, 'provider'], message: `no provider named '${m.provider}' ${known}` });
    } else {
      if (m.provider !== undefined || m.model !== undefined) issues.push({ path: ['models', i], message: "has 'targets': 'provider' and 'model' go in each target" });
      m.targets.forEach((t, j) => {
        if (!providers.has(t.provider)) issues.push({ path: ['models', i, 'targets', j, 'provider'], message: `no provider named '${t.provider}' ${known}` });
      });
    }
    for (const field of ['fallbacks', 'context_fallbacks'] as const) {
      m[field]?.forEach((f, j) => {
        if (f === m.name) issues.push({ path: ['models', i, field, j], message: 'a model cannot fall back to itself' });
        else if (!names.has(f)) issues.push({ path: ['models', i, field, j], message: `no model named '${f}'` });
      });
    }
    for (const field of onceFields) {
      if (m[field] === undefined) continue;
      const key = `${m.name}\u0000${field}`;
      const first = setAt.get(key);
      if (first === undefined) setAt.set(key, i);
      else issues.push({ path: ['models', i, field], message: `'${field}' of model '${m.name}' is already set in models[${first}]: set it once` });
    }
  });
  return issues;
}
