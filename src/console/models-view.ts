import { adminHealth } from '../health/admin-health.js';
import type { PricingConfig } from '../pricing/pricing.js';
import type { LiveConfig } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import type { Viewer } from './sessions.js';

export interface ModelInfo {
  name: string;
  owned_by: string;
  /** USD per million tokens; null: unpriced (its cost counts as 0). */
  pricing: PricingConfig | null;
  context_length: number | null;
  max_output_tokens: number | null;
  /** The operator's view only: the model's entry in `GET /admin/health` (targets, breakers, cooldowns, in flight). */
  health?: Record<string, unknown>;
}

export interface ModelsView {
  object: 'list';
  data: ModelInfo[];
  /** The operator's view only: readiness, config generation, providers (the rest of `GET /admin/health`). */
  server?: Record<string, unknown>;
}

/**
 * The Models page: every model of the current config with its pricing and
 * context length; for the operator, also its health from `/admin/health`.
 */
export async function modelsView(live: LiveConfig, platform: Platform, viewer: Viewer): Promise<ModelsView> {
  const data: ModelInfo[] = live.current.context.router.models().map((m) => ({
    name: m.name,
    owned_by: m.ownedBy,
    pricing: m.pricing?.config ?? null,
    context_length: m.contextLength ?? null,
    max_output_tokens: m.maxOutputTokens ?? null,
  }));
  if (viewer.kind !== 'operator') return { object: 'list', data };
  const { models, ...server } = await adminHealth(live, platform) as { models: Array<{ name: string }> } & Record<string, unknown>;
  const health = new Map(models.map((m) => [m.name, m]));
  return { object: 'list', data: data.map((m) => ({ ...m, health: health.get(m.name) ?? {} })), server };
}
