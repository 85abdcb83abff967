import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AdminService } from '../admin/admin-service.js';
import { LinguaError } from '../canonical/index.js';
import type { Config } from '../config/schema.js';
import type { LiveConfig, ReloadOutcome } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import { accountRoutes } from './account-routes.js';
import type { ConsoleContext } from './console-context.js';
import { loginRoutes } from './login-routes.js';
import { operatorRoutes } from './operator-routes.js';
import { assertSameOrigin, isStateChanging } from './request-checks.js';
import { ConsoleSessions, type Viewer } from './sessions.js';
import { staticFiles } from './static-files.js';

export interface ConsoleOptions {
  live: LiveConfig;
  /** Re-reads the config file and applies it (see LiveConfig.reload). */
  reload(): Promise<ReloadOutcome>;
  /** Where the built console is (default: dist/console). */
  dir?: string;
  now?: () => number;
}

/** The header a call made before any session (login, an invite) carries: a page of another site cannot send it without a CORS preflight, which Lingua never grants. */
export const CONSOLE_HEADER = 'x-lingua-console';

/**
 * The API console (docs/console.md): the built pages at /console, and
 * /console/api, which they call with a session cookie. Every
 * state-changing call must come from this server's own pages (Origin,
 * Sec-Fetch-Site) and carry the session's CSRF token, or, before a
 * session exists, the x-lingua-console header. Answers are never cached.
 */
export function consoleApp(config: Config, platform: Platform, options: ConsoleOptions): FastifyPluginAsync {
  return async (app) => {
    staticFiles(app, options.dir);

    const now = options.now ?? Date.now;
    const viewers = new WeakMap<FastifyRequest, Viewer>();
    const ctx: ConsoleContext = {
      config,
      platform,
      live: options.live,
      reload: options.reload,
      admin: new AdminService(platform.storage, platform.budgets, now),
      sessions: new ConsoleSessions(platform.storage, config.admin_key, now),
      viewerOf: (req) => {
        const viewer = viewers.get(req);
        if (viewer === undefined) throw new Error('console: a route that needs a session ran without one');
        return viewer;
      },
      now,
    };

    await app.register(async (api) => {
      api.addHook('onRequest', async (req) => { if (isStateChanging(req.method)) assertSameOrigin(req); });
      api.addHook('onSend', async (req, reply) => {
        void reply.header('cache-control', 'no-store');
        // A key written here holds on this instance before the answer leaves (the others follow within their poll).
        if (isStateChanging(req.method) && reply.statusCode < 400) await platform.keys.refresh();
      });

      await api.register(async (before) => {
        before.addHook('onRequest', async (req) => {
          if (isStateChanging(req.method) && req.headers[CONSOLE_HEADER] === undefined) {
            throw new LinguaError('permission', `Console calls must carry the ${CONSOLE_HEADER} header.`, { code: 'cross_site_request' });
          }
        });
        loginRoutes(before, ctx);
      });

      await api.register(async (session) => {
        // The session, before the body is read: no session, no work.
        session.addHook('onRequest', async (req) => {
          const viewer = await ctx.sessions.viewer(req);
          if (isStateChanging(req.method)) ctx.sessions.assertCsrf(req, viewer);
          viewers.set(req, viewer);
        });
        accountRoutes(session, ctx);
        await session.register(async (operator) => operatorRoutes(operator, ctx));
      });
    });
  };
}
