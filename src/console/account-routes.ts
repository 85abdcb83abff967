import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseInput } from '../admin/schemas.js';
import { LinguaError } from '../canonical/index.js';
import type { ConsoleContext } from './console-context.js';
import { modelsView } from './models-view.js';
import { playgroundKeySchema } from './schemas.js';
import type { Viewer } from './sessions.js';
import { sessionView } from './views.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** A playground key works this long (and never past its session). */
export const PLAYGROUND_KEY_MS = 3_600_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A query or body as the viewer may ask it: the operator's as it is; a
 * member's with `field` set to its own account (naming another is a 403).
 * This is where a member is kept to its account: every route below that
 * reads or writes keys, usage or requests goes through it or ownKey.
 */
export function scoped(viewer: Viewer, input: unknown, field: string): unknown {
  if (viewer.kind === 'operator') return input;
  const fields = input === undefined || input === null ? {} : input;
  if (!isObject(fields)) return fields;
  const asked = fields[field];
  if (asked !== undefined && asked !== viewer.account.id) {
    throw new LinguaError('permission', `You can see only your own account: leave '${field}' out, or give ${viewer.account.id}.`, { param: field, code: 'other_account' });
  }
  return { ...fields, [field]: viewer.account.id };
}

/**
 * The routes a session of either kind uses: its own session, its account,
 * keys (list, create, revoke, rotate), usage, requests, models and the
 * playground's key. A member's are scoped to its account; another
 * account's key is a 404, as if it did not exist.
 */
export function accountRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { admin, platform, viewerOf } = ctx;

  const ownKey = async (viewer: Viewer, id: string): Promise<void> => {
    if (viewer.kind === 'operator') return;
    const key = await platform.storage.keys.get(id);
    if (key === undefined || key.accountId !== viewer.account.id) {
      throw new LinguaError('not_found', `No key with id '${id}'.`, { param: 'id', code: 'key_not_found' });
    }
  };
  const created = <T>(reply: FastifyReply, body: T): T => { void reply.code(201); return body; };

  app.get('/console/api/session', async (req) => ({ ...sessionView(viewerOf(req)), keys_required: platform.keys.required }));

  app.get('/console/api/account', async (req) => {
    const viewer = viewerOf(req);
    if (viewer.kind === 'operator') throw new LinguaError('not_found', 'The operator has no account of its own: see /console/api/accounts.', { code: 'account_not_found' });
    return admin.getAccount(viewer.account.id);
  });

  app.get('/console/api/keys', async (req) => admin.listKeys(scoped(viewerOf(req), req.query, 'account_id')));
  app.post('/console/api/keys', async (req, reply) => created(reply, await admin.createKey(scoped(viewerOf(req), req.body, 'account_id'))));
  app.delete('/console/api/keys/:id', async (req: IdRequest) => {
    await ownKey(viewerOf(req), req.params.id);
    return admin.revokeKey(req.params.id);
  });
  app.post('/console/api/keys/:id/rotate', async (req: IdRequest) => {
    await ownKey(viewerOf(req), req.params.id);
    return admin.rotateKey(req.params.id, req.body);
  });

  app.get('/console/api/usage', async (req) => admin.usage(scoped(viewerOf(req), req.query, 'account')));
  app.get('/console/api/requests', async (req) => admin.requests(scoped(viewerOf(req), req.query, 'account')));
  app.get('/console/api/models', async (req) => modelsView(ctx.live, platform, viewerOf(req)));

  // The playground's key: made for this session, for an hour at most, and revoked when the
  // session makes another or logs out. Without any key on the server, callers need none.
  app.post('/console/api/playground-key', async (req, reply) => {
    const viewer = viewerOf(req);
    const input = parseInput(playgroundKeySchema, scoped(viewer, req.body, 'account_id'));
    if (!platform.keys.required) {
      return { object: 'key', key: null, note: 'This server has no keys yet, so callers need none: the playground sends no key.' };
    }
    const ms = Math.min(PLAYGROUND_KEY_MS, viewer.session.expiresAt - ctx.now());
    const made = await admin.createKey({
      name: 'playground',
      account_id: input.account_id ?? null,
      expires_in: Math.max(1, Math.floor(ms / 1000)),
      metadata: { console: 'playground' },
    });
    const previous = await platform.storage.sessions.swapPlaygroundKey(viewer.session.idHash, made.id);
    if (previous !== null) await admin.revokeKey(previous).catch(() => undefined);
    return created(reply, { ...made, note: null });
  });
}
