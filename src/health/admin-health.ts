import type { Provider } from '../providers/provider.js';
import type { LiveConfig } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import { readiness, targetState } from './readiness.js';

/**
 * `GET /admin/health`: readiness with its reasons, each model's targets
 * (the router's breaker, cooldown, in flight, TTFT EWMA and counters),
 * each provider's state and gauges (local engine sequences and queue,
 * upstream connections), the platform's parts, the config generation and
 * requests in flight.
 */
export async function adminHealth(live: LiveConfig, platform: Platform): Promise<Record<string, unknown>> {
  const current = live.current;
  const r = await readiness(platform, current);
  const routes = new Map(current.context.router.state().models.map((m) => [m.name, m]));
  const configured = new Map((current.config.providers as Array<{ name: string; type: string }>).map((p) => [p.name, p.type]));
  return {
    ready: r.ready,
    not_ready: r.not_ready,
    in_flight: live.inflight(),
    config: {
      generation: current.number,
      since: new Date(current.since).toISOString(),
      reloads: live.reloads,
      // Replaced configs still finishing their requests.
      draining: live.generations().slice(1).map((g) => ({ generation: g.number, in_flight: g.context.inflight.size })),
    },
    platform: {
      database: { dialect: platform.storage.dialect, ...r.database },
      redis: r.redis ?? null,
      ledger: platform.storage.ledger.stats(),
    },
    models: r.models.map((m) => {
      const route = routes.get(m.model);
      return {
        name: m.model,
        usable: m.usable,
        ...(route === undefined ? {} : { strategy: route.strategy, fallbacks: route.fallbacks, context_fallbacks: route.contextFallbacks, counters: route.counters }),
        targets: m.targets.map((t) => ({
          provider: t.provider,
          upstream_model: t.upstreamModel,
          tier: t.route.tier,
          weight: t.route.weight,
          usable: t.usable,
          state: targetState(t),
          ...(t.health.message === undefined ? {} : { message: t.health.message }),
          breaker: t.route.health,
          cooldown_until: t.route.cooldownUntil === null ? null : new Date(t.route.cooldownUntil).toISOString(),
          in_flight: t.route.inflight,
          ttft_ms: t.route.ttftMs,
          counters: t.route.counters,
        })),
      };
    }),
    providers: [...current.providers.values()].map((p) => providerView(p, configured.get(p.name))),
  };
}

function providerView(p: Provider, type: string | undefined): Record<string, unknown> {
  const health = p.health?.();
  return {
    name: p.name,
    ...(type === undefined ? {} : { type }),
    state: health?.state ?? 'ready',
    ...(health?.message === undefined ? {} : { message: health.message }),
    ...p.stats?.(),
  };
}
