import type { ProviderHealth } from '../providers/provider.js';
import type { Router } from '../router/router.js';

/** One target of a model: where it is served and whether it can serve now. */
export interface TargetState {
  provider: string;
  upstreamModel: string;
  /** The provider's own view (a local model loading or missing). */
  health: ProviderHealth;
  /** Usable: its provider is ready (and the router does not have it cooling down). */
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
 * `/admin/health` and the startup banner.
 *
 * TODO(issue 12 items 1–5, src/router/): merge the router's per-target
 * state here — cooling down until, in flight, EWMA time to first token,
 * retries / fallbacks / cooldowns — once the router exposes it; a target
 * cooling down is then not `usable`. Until then a target is usable when its
 * provider is ready.
 */
export function modelStates(router: Router): ModelState[] {
  return router.models().map((m) => {
    const targets = m.deployments.map((d): TargetState => {
      const health = d.provider.health?.() ?? alwaysReady;
      return { provider: d.provider.name, upstreamModel: d.upstreamModel, health, usable: health.ready };
    });
    return { model: m.name, usable: targets.some((t) => t.usable), targets };
  });
}
