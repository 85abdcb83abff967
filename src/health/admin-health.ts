import type { Provider } from '../providers/provider.js';
import type { LiveConfig } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import { readiness } from './readiness.js';

/**
 * `GET /admin/health`: readiness with its reasons, each model's targets,
 * each provider's state and gauges (local engine sequences and queue,
 * upstream connections), the platform's parts, the config generation and
 * requests in flight.
 */
export async function adminHealth(live: LiveConfig, platform: Platform): Promise<Record<string, unknown>> {
  const current = live.current;
  const r = await readiness(platform, current);
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
    // TODO(issue 12 items 1–5): cooldown-until, in-flight and EWMA latency per target from the router's state.
    models: r.models.map((m) => ({
      name: m.model,
      usable: m.usable,
      targets: m.targets.map((t) => ({ provider: t.provider, upstream_model: t.upstreamModel, usable: t.usable, state: t.health.state, ...(t.health.message === undefined ? {} : { message: t.health.message }) })),
    })),
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
