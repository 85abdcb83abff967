import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import type { Config } from '../config/schema.js';
import type { Platform } from '../server/platform.js';
import { adminOff, guardAdminRoutes } from './admin-auth.js';
import { AdminService } from './admin-service.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The admin REST API (docs/admin-api.md) as a Fastify plugin: accounts,
 * keys, usage and requests, on the database alone (every instance's key
 * cache picks the changes up). Errors are LinguaErrors, rendered by the
 * app's error handler in OpenAI's shape.
 *
 * On a host other than loopback it needs an admin key: without one it is
 * off (every /admin path answers 403 saying why) and the server still
 * serves its callers; the CLI manages keys on the database meanwhile.
 */
export function adminApi(config: Config, platform: Platform): FastifyPluginAsync {
  return async (app) => {
    if (adminOff(config)) {
      app.log.warn({ host: config.server.host }, 'admin API off: it needs `admin_key` (or LINGUA_ADMIN_KEY) on a host other than loopback');
      app.all('/admin', disabled);
      app.all('/admin/*', disabled);
      return;
    }
    guardAdminRoutes(app, config.admin_key, platform.authThrottle);
    // A change made here holds on this instance before its answer leaves (the others follow within their poll).
    app.addHook('onSend', async (req, reply) => {
      if (req.method !== 'GET' && reply.statusCode < 400) await platform.keys.refresh();
    });
    routes(app, new AdminService(platform.storage, platform.budgets));
  };
}

async function disabled(): Promise<never> {
  throw new LinguaError('permission', 'The admin API is off: this server listens on a non-loopback address without an admin key. Set `admin_key` (or LINGUA_ADMIN_KEY), or use the `lingua keys` / `lingua accounts` commands.', { code: 'admin_api_disabled' });
}

function routes(app: FastifyInstance, admin: AdminService): void {
  const created = <T>(reply: FastifyReply, body: T): T => { void reply.code(201); return body; };

  app.post('/admin/accounts', async (req, reply) => created(reply, await admin.createAccount(req.body)));
  app.get('/admin/accounts', async () => admin.listAccounts());
  app.get('/admin/accounts/:id', async (req: IdRequest) => admin.getAccount(req.params.id));
  app.patch('/admin/accounts/:id', async (req: IdRequest) => admin.updateAccount(req.params.id, req.body));
  app.delete('/admin/accounts/:id', async (req: IdRequest) => admin.deleteAccount(req.params.id));

  app.post('/admin/keys', async (req, reply) => created(reply, await admin.createKey(req.body)));
  app.get('/admin/keys', async (req) => admin.listKeys(req.query));
  app.get('/admin/keys/:id', async (req: IdRequest) => admin.getKey(req.params.id));
  app.patch('/admin/keys/:id', async (req: IdRequest) => admin.updateKey(req.params.id, req.body));
  app.delete('/admin/keys/:id', async (req: IdRequest) => admin.revokeKey(req.params.id));
  app.post('/admin/keys/:id/rotate', async (req: IdRequest) => admin.rotateKey(req.params.id, req.body));

  app.get('/admin/usage', async (req) => admin.usage(req.query));
  app.get('/admin/requests', async (req) => admin.requests(req.query));
}
