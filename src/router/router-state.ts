import type { CooldownStore } from './cooldowns.js';
import type { ModelCounters, ModelEntry } from './model-entry.js';
import type { Strategy } from './routing-config.js';
import type { TargetHealth } from './target-health.js';

/** What `Router.state()` returns: every model's targets and their health, for `/admin/health` and `/metrics`. */
export interface RouterState {
  models: ModelRouteState[];
  /** Sums over every model (cooldowns: over every target once). */
  totals: { retries: number; fallbacks: number; contextFallbacks: number; cooldownsOpened: number };
}

export interface ModelRouteState {
  name: string;
  strategy: Strategy;
  fallbacks: readonly string[];
  contextFallbacks: readonly string[];
  /** Some target is not cooling (healthy, or half-open: a probe may go). */
  usable: boolean;
  counters: ModelCounters;
  targets: TargetRouteState[];
}

/** One target of a model. Counters and figures belong to the target (provider and upstream model), shared by the models it serves. */
export interface TargetRouteState {
  /** `provider/upstream model`: the breaker's id. */
  id: string;
  provider: string;
  upstreamModel: string;
  tier: number;
  weight: number;
  /** `healthy`: breaker closed; `cooling`: open, skipped; `half_open`: its cooldown is over and the next request probes it. */
  health: 'healthy' | 'cooling' | 'half_open';
  /** Unix ms the cooldown ends (also when half-open: when it ended); null when healthy. */
  cooldownUntil: number | null;
  /** Requests in flight; null where not counted (a target only of models with one target, where nothing is balanced). */
  inflight: number | null;
  /** EWMA of ms to the first batch: of streaming attempts, and of non-streaming ones (their whole answer); null before any, and for a target only of one-target models (the fast path reads no clock). */
  ttftMs: { stream: number | null; whole: number | null };
  counters: { attempts: number; failures: number; retries: number; cooldownsOpened: number };
}

export function routerState(models: Iterable<ModelEntry>, cooldowns: CooldownStore, now = Date.now()): RouterState {
  const totals = { retries: 0, fallbacks: 0, contextFallbacks: 0, cooldownsOpened: 0 };
  const seen = new Set<TargetHealth>();
  const out: ModelRouteState[] = [];
  for (const m of models) {
    totals.retries += m.counters.retries;
    totals.fallbacks += m.counters.fallbacks;
    totals.contextFallbacks += m.counters.contextFallbacks;
    const targets = m.deployments.map((d): TargetRouteState => {
      const h = d.health;
      if (!seen.has(h)) {
        seen.add(h);
        totals.cooldownsOpened += h.cooldownsOpened;
      }
      const until = cooldowns.until(h.id);
      return {
        id: h.id,
        provider: h.provider,
        upstreamModel: h.upstreamModel,
        tier: d.tier,
        weight: d.weight,
        health: until === undefined ? 'healthy' : until > now ? 'cooling' : 'half_open',
        cooldownUntil: until ?? null,
        inflight: h.countsInflight ? h.inflight : null,
        ttftMs: { stream: h.ttftStreamMs ?? null, whole: h.ttftWholeMs ?? null },
        counters: { attempts: h.attempts, failures: h.failures, retries: h.retries, cooldownsOpened: h.cooldownsOpened },
      };
    });
    out.push({
      name: m.name, strategy: m.strategy, fallbacks: m.fallbacks, contextFallbacks: m.contextFallbacks,
      usable: targets.some((t) => t.health !== 'cooling'), counters: { ...m.counters }, targets,
    });
  }
  return { models: out, totals };
}
