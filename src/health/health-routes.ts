import type { FastifyPluginAsync } from 'fastify';
import type { LiveConfig } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import { publicReadiness, readiness } from './readiness.js';

/**
 * Probes anyone may call (docs/operations.md): `/health/live` answers
 * while the process serves HTTP; `/health/ready` is 200 when the server
 * can serve its models and 503 naming what is not ready; `/health` is the
 * old liveness answer, kept.
 */
export function healthRoutes(live: LiveConfig, platform: Platform): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/health/live', async () => ({ status: 'ok' }));
    app.get('/health/ready', async (_req, reply) => {
      const r = await readiness(platform, live.current);
      void reply.code(r.ready ? 200 : 503).header('cache-control', 'no-store');
      return publicReadiness(r);
    });
  };
}
