import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminGuard, adminOff } from '../admin/admin-auth.js';
import { parseInput } from '../admin/schemas.js';
import { rfc3339 } from '../admin/times.js';
import { LinguaError } from '../canonical/index.js';
import type { Config } from '../config/schema.js';
import type { ConsoleContext } from './console-context.js';
import { hashPassword, UNKNOWN_MEMBER_HASH, verifyPassword } from './passwords.js';
import { inviteAcceptSchema, inviteLookupSchema, memberLoginSchema, operatorLoginSchema } from './schemas.js';
import { sessionView } from './views.js';

/** How the operator logs in: with the admin key, as "this machine" (a loopback server without one), or not at all. */
export type OperatorLogin = 'admin_key' | 'this_machine' | 'off';

export function operatorLogin(config: Config): OperatorLogin {
  if (adminOff(config)) return 'off';
  return config.admin_key === undefined ? 'this_machine' : 'admin_key';
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new invite token: 256 random bits, base64url (the link carries it; the database its hash). */
export const newInviteToken = (): string => randomBytes(32).toString('base64url');

const invalidInvite = (outcome: 'not_found' | 'used' | 'expired'): LinguaError => {
  if (outcome === 'not_found') return new LinguaError('not_found', 'This invite link is not valid: check that it was copied whole, or ask for a new one.', { param: 'token', code: 'invite_not_found' });
  return new LinguaError('not_found', outcome === 'used' ? 'This invite link has been used already; ask for a new one.' : 'This invite link has expired; ask for a new one.', { status: 410, param: 'token', code: `invite_${outcome}` });
};

/**
 * The routes before a session: login (a member's email and password, or
 * the operator's admin key), logout, and an invite's lookup and
 * acceptance. Failed logins and invalid invite tokens count against the
 * address in the server's failed-authentication throttle (429 past it).
 */
export function loginRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { platform, sessions } = ctx;
  const { storage, authThrottle: throttle } = platform;
  const guard = adminGuard(ctx.config.admin_key, throttle);
  const address = (req: FastifyRequest) => req.socket.remoteAddress;

  app.get('/console/api/login-options', async () => ({ object: 'login_options', operator_login: operatorLogin(ctx.config) }));

  app.post('/console/api/login', async (req, reply) => {
    const input = parseInput(memberLoginSchema, req.body);
    throttle.check(address(req));
    const member = await storage.members.byEmail(input.email);
    // An unknown email costs the same scrypt as a known one: the time tells nothing.
    const matches = await verifyPassword(input.password, member?.passwordHash ?? UNKNOWN_MEMBER_HASH);
    const account = matches && member !== undefined ? await storage.accounts.get(member.accountId) : undefined;
    if (member === undefined || account === undefined) {
      throttle.fail(address(req));
      throw new LinguaError('authentication', 'Incorrect email or password.', { param: 'password', code: 'invalid_credentials' });
    }
    await storage.members.touchLogin(member.id);
    return sessionView(await sessions.start(req, reply, { member, account }));
  });

  app.post('/console/api/login/operator', async (req, reply) => {
    const login = operatorLogin(ctx.config);
    if (login === 'off') {
      throw new LinguaError('permission', 'Operator login is off: this server listens on a non-loopback address without an admin key. Set `admin_key` (or LINGUA_ADMIN_KEY).', { code: 'admin_api_disabled' });
    }
    const input = parseInput(operatorLoginSchema, req.body);
    try {
      guard({
        headers: { ...req.headers, authorization: input.admin_key === undefined ? undefined : `Bearer ${input.admin_key}` },
        address: address(req),
      });
    } catch (error) {
      if (error instanceof LinguaError && error.kind === 'authentication') throw new LinguaError(error.kind, error.message, { param: 'admin_key', code: error.code });
      throw error;
    }
    return sessionView(await sessions.start(req, reply, null));
  });

  app.post('/console/api/logout', async (req, reply) => {
    const viewer = await sessions.viewer(req).catch(() => undefined);
    if (viewer !== undefined) sessions.assertCsrf(req, viewer);
    const ended = await sessions.end(req, reply);
    if (ended?.playgroundKeyId != null) await ctx.admin.revokeKey(ended.playgroundKeyId).catch(() => undefined);
    return reply.code(204).send();
  });

  /** The invite of a token, or the 404 / 410 that says why not (counted as a failure). */
  const liveInvite = async (req: FastifyRequest, token: string) => {
    throttle.check(address(req));
    const invite = await storage.invites.byToken(tokenHash(token));
    const account = invite && (await storage.accounts.get(invite.accountId));
    const problem = invite === undefined || account === undefined ? 'not_found' : invite.usedAt !== null ? 'used' : invite.expiresAt <= ctx.now() ? 'expired' : undefined;
    if (problem !== undefined) {
      throttle.fail(address(req));
      throw invalidInvite(problem);
    }
    return { invite: invite!, account: account! };
  };

  app.post('/console/api/invite/lookup', async (req) => {
    const { token } = parseInput(inviteLookupSchema, req.body);
    const { invite, account } = await liveInvite(req, token);
    const member = await storage.members.byEmail(invite.email);
    return { object: 'invite', email: invite.email, account_name: account.name, expires_at: rfc3339(invite.expiresAt), existing_member: member !== undefined };
  });

  app.post('/console/api/invite/accept', async (req, reply) => {
    const input = parseInput(inviteAcceptSchema, req.body);
    const { account } = await liveInvite(req, input.token);
    const redeemed = await storage.invites.redeem(tokenHash(input.token), await hashPassword(input.password));
    if (redeemed.outcome === 'other_account') {
      throw new LinguaError('invalid_request', 'This email already logs in to another account; ask the operator to invite another email.', { status: 409, param: 'token', code: 'member_of_other_account' });
    }
    if (redeemed.outcome !== 'ok') throw invalidInvite(redeemed.outcome);
    await storage.members.touchLogin(redeemed.member.id);
    return sessionView(await sessions.start(req, reply, { member: redeemed.member, account }));
  });
}
