import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseInput } from '../admin/schemas.js';
import { rfc3339 } from '../admin/times.js';
import { LinguaError } from '../canonical/index.js';
import { normalEmail } from '../storage/index.js';
import type { ConsoleContext } from './console-context.js';
import { newInviteToken, tokenHash } from './login-routes.js';
import { DEFAULT_INVITE_MS, inviteCreateSchema } from './schemas.js';
import { inviteView, memberView } from './views.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The operator's routes: accounts, their members and invites, and the
 * config reload. A member's session gets a 403 on every one of them.
 */
export function operatorRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { admin, platform } = ctx;
  const { storage } = platform;
  const created = <T>(reply: FastifyReply, body: T): T => { void reply.code(201); return body; };

  app.addHook('preHandler', async (req) => {
    if (ctx.viewerOf(req).kind !== 'operator') throw new LinguaError('permission', 'Only the operator can do this.', { code: 'operator_only' });
  });

  const account = async (id: string) => {
    const found = await storage.accounts.get(id);
    if (found === undefined) throw new LinguaError('not_found', `No account with id '${id}'.`, { param: 'id', code: 'account_not_found' });
    return found;
  };

  app.get('/console/api/accounts', async () => admin.listAccounts());
  app.post('/console/api/accounts', async (req, reply) => created(reply, await admin.createAccount(req.body)));
  app.patch('/console/api/accounts/:id', async (req: IdRequest) => admin.updateAccount(req.params.id, req.body));
  // Its keys are revoked with it (storage does that); its members and pending invites go too.
  app.delete('/console/api/accounts/:id', async (req: IdRequest) => {
    const members = await storage.members.list(req.params.id);
    const invites = await storage.invites.list(req.params.id);
    const deleted = await admin.deleteAccount(req.params.id);
    for (const m of members) await storage.members.delete(m.id);
    for (const i of invites) await storage.invites.withdraw(i.id);
    return deleted;
  });

  app.get('/console/api/accounts/:id/members', async (req: IdRequest) => {
    await account(req.params.id);
    return { object: 'list', data: (await storage.members.list(req.params.id)).map(memberView) };
  });
  app.delete('/console/api/members/:id', async (req: IdRequest) => {
    if (!(await storage.members.delete(req.params.id))) throw new LinguaError('not_found', `No member with id '${req.params.id}'.`, { param: 'id', code: 'member_not_found' });
    return { object: 'member', id: req.params.id, deleted: true };
  });

  app.get('/console/api/accounts/:id/invites', async (req: IdRequest) => {
    await account(req.params.id);
    return { object: 'list', data: (await storage.invites.list(req.params.id)).map((i) => inviteView(i, ctx.now())) };
  });
  // The answer carries the token, this once: the link is `/console/#/invite/<token>` (a fragment, so it is never sent to a server).
  app.post('/console/api/accounts/:id/invites', async (req: IdRequest, reply) => {
    const input = parseInput(inviteCreateSchema, req.body);
    const target = await account(req.params.id);
    const member = await storage.members.byEmail(input.email);
    if (member !== undefined && member.accountId !== target.id) {
      throw new LinguaError('invalid_request', `${normalEmail(input.email)} already logs in to another account.`, { param: 'email', code: 'member_of_other_account' });
    }
    const token = newInviteToken();
    const invite = await storage.invites.create({ tokenHash: tokenHash(token), accountId: target.id, email: input.email, expiresAt: ctx.now() + (input.expires_in ?? DEFAULT_INVITE_MS) });
    return created(reply, { ...inviteView(invite, ctx.now()), token, path: `/console/#/invite/${token}`, resets_password: member !== undefined });
  });
  app.delete('/console/api/invites/:id', async (req: IdRequest) => {
    if (!(await storage.invites.withdraw(req.params.id))) throw new LinguaError('not_found', `No pending invite with id '${req.params.id}'.`, { param: 'id', code: 'invite_not_found' });
    return { object: 'invite', id: req.params.id, deleted: true };
  });

  app.post('/console/api/reload', async () => {
    const outcome = await ctx.reload();
    if (!outcome.ok) throw new LinguaError('invalid_request', `config reload refused, still serving generation ${outcome.generation}: ${outcome.error}`, { status: 422, code: 'config_refused' });
    return { reloaded: true, generation: outcome.generation, restart_required: outcome.restartRequired, at: rfc3339(ctx.now()) };
  });
}
