import type { FastifyPluginAsync } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import type { Config } from '../config/schema.js';
import { adminHealth } from '../health/admin-health.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { LiveConfig, ReloadOutcome } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import { adminOff, guardAdminRoutes } from './admin-auth.js';

export interface Operations {
  live: LiveConfig;
  metrics: GatewayMetrics;
  /** Re-reads the config file and applies it (see LiveConfig.reload). */
  reload(): Promise<ReloadOutcome>;
}

/**
 * The operator's endpoints beside the admin API, behind the same guard
 * (docs/operations.md): `GET /admin/health`, `POST /admin/reload`, and
 * `GET /metrics` (also served without a key on the `metrics` listener,
 * when the config has one). With the admin API off (a non-loopback host
 * without an admin key), the admin API's own catch-all refuses the /admin
 * paths, and /metrics says where to find the metrics.
 */
export function operationsApi(config: Config, platform: Platform, ops: Operations): FastifyPluginAsync {
  return async (app) => {
    if (adminOff(config)) {
      app.get('/metrics', async () => {
        throw new LinguaError('permission', 'Metrics need the admin key: set `admin_key` (or LINGUA_ADMIN_KEY), or a `metrics` listener in the config.', { code: 'admin_api_disabled' });
      });
      return;
    }
    guardAdminRoutes(app, config.admin_key, platform.authThrottle);

    app.get('/admin/health', async () => adminHealth(ops.live, platform));
    app.post('/admin/reload', async () => {
      const outcome = await ops.reload();
      if (!outcome.ok) throw new LinguaError('invalid_request', `config reload refused, still serving generation ${outcome.generation}: ${outcome.error}`, { status: 422, code: 'config_refused' });
      return { reloaded: true, generation: outcome.generation, restart_required: outcome.restartRequired };
    });
    app.get('/metrics', async (_req, reply) => {
      void reply.type(ops.metrics.contentType);
      return ops.metrics.text();
    });
  };
}
