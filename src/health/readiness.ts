import { sql } from 'kysely';
import type { Generation } from '../reload/generation.js';
import type { Platform } from '../server/platform.js';
import { modelStates, type ModelState, type TargetState } from './target-states.js';

/** How long a readiness probe waits for the database or Redis before calling it unreachable. */
const PROBE_MS = 2000;

export interface Check {
  ok: boolean;
  error?: string;
}

/** What `/health/ready` answers: ready, and each part's check; `not_ready` names what is not. */
export interface Readiness {
  ready: boolean;
  not_ready: string[];
  database: Check;
  /** Absent without `redis_url`. */
  redis?: Check;
  models: ModelState[];
}

/**
 * Whether the server can serve: its database answers, its Redis (with
 * `redis_url`) answers, and every model has a usable target (a local
 * model loaded, not missing, not still loading).
 */
export async function readiness(platform: Platform, generation: Generation): Promise<Readiness> {
  const [database, redis] = await Promise.all([
    probe(sql`select 1`.execute(platform.storage.db)),
    platform.redis === undefined ? undefined : probe(platform.redis.ping()),
  ]);
  const models = modelStates(generation.context.router);
  const notReady: string[] = [];
  if (!database.ok) notReady.push(`database: ${database.error}`);
  if (redis !== undefined && !redis.ok) notReady.push(`redis: ${redis.error}`);
  for (const m of models) if (!m.usable) notReady.push(`model ${m.model}: ${whyNot(m)}`);
  return { ready: notReady.length === 0, not_ready: notReady, database, ...(redis === undefined ? {} : { redis }), models };
}

/**
 * What anyone may see (`/health/ready` needs no key): which parts are not
 * ready, without error messages (they name files, hosts and addresses;
 * `/admin/health` has them).
 */
export function publicReadiness(r: Readiness): Record<string, unknown> {
  const state = (c: Check) => (c.ok ? 'ok' : 'unreachable');
  const modelState = (m: ModelState) => (m.usable ? 'ready' : m.targets.length === 0 ? 'no target' : targetState(m.targets[0]!));
  return {
    status: r.ready ? 'ready' : 'not_ready',
    not_ready: [
      ...(r.database.ok ? [] : ['database']),
      ...(r.redis === undefined || r.redis.ok ? [] : ['redis']),
      ...r.models.filter((m) => !m.usable).map((m) => `model ${m.model} (${modelState(m)})`),
    ],
    database: state(r.database),
    ...(r.redis === undefined ? {} : { redis: state(r.redis) }),
    models: Object.fromEntries(r.models.map((m) => [m.model, modelState(m)])),
  };
}

/** A target's state in one word: `ready`, `cooling` (the router skips it), or its provider's (`loading`, `unavailable`). */
export function targetState(t: TargetState): string {
  if (!t.health.ready) return t.health.state;
  return t.route.health === 'cooling' ? 'cooling' : 'ready';
}

/** The reasons a model has no usable target (its targets' messages). */
export function whyNot(m: ModelState): string {
  const reasons = [...new Set(m.targets.map((t) => {
    if (!t.health.ready) return t.health.message ?? `target ${t.provider} is ${t.health.state}`;
    return `target ${t.route.id} is cooling down until ${new Date(t.route.cooldownUntil ?? 0).toISOString()}`;
  }))];
  return reasons.length === 0 ? 'no target' : reasons.join('; ');
}

async function probe(call: Promise<unknown>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_MS} ms`)), PROBE_MS); });
  try {
    await Promise.race([call, timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
