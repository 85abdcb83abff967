import type { ProviderHealth } from '../providers/provider.js';
import type { Router, TargetRouteState } from '../router/router.js';

/** One target of a model: where it is served, the router's view of it, and whether it can serve now. */
export interface TargetState {
  provider: string;
  upstreamModel: string;
  /** The provider's own view (a local model loading or missing). */
  health: ProviderHealth;
  /** The router's: breaker state, cooldown, in flight, latency, counters. */
  route: TargetRouteState;
  /** Its provider is ready and the router does not have it cooling down. */
  usable: boolean;
}

export interface ModelState {
  model: string;
  /** Some target is usable. */
  usable: boolean;
  targets: TargetState[];
}

const alwaysReady: ProviderHealth = { ready: true, state: 'ready' };

/**
 * Each model's targets and whether they can serve, for `/health/ready`,
 * `/admin/health`, the metrics and the startup banner: the router's state
 * (Router.state()) joined with each provider's own health.
 */
export function modelStates(router: Router): ModelState[] {
  const entries = new Map(router.models().map((m) => [m.name, m]));
  return router.state().models.map((m) => {
    const deployments = entries.get(m.name)?.deployments ?? [];
    const targets = m.targets.map((route, i): TargetState => {
      const health = deployments[i]?.provider.health?.() ?? alwaysReady;
      return { provider: route.provider, upstreamModel: route.upstreamModel, health, route, usable: health.ready && route.health !== 'cooling' };
    });
    return { model: m.name, usable: targets.some((t) => t.usable), targets };
  });
}
