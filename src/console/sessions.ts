import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import type { Account, ConsoleSession, Member, Storage } from '../storage/index.js';
import { overTls } from './request-checks.js';

export const SESSION_COOKIE = 'lingua_console';
/** A session ends this long after its login, whatever happens meanwhile. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** The header every state-changing call of a session carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Who a console request is from. */
export type Viewer =
  | { kind: 'operator'; session: ConsoleSession; csrfToken: string }
  | { kind: 'member'; session: ConsoleSession; csrfToken: string; member: Member; account: Account };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The session's CSRF token: derived from its id (which only the cookie holds), so nothing more is stored. */
const csrfOf = (sessionId: string): string => createHmac('sha256', sessionId).update('lingua console csrf').digest('base64url');

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookie(value: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

const unauthenticated = (message: string, code: 'no_session' | 'session_expired') => new LinguaError('authentication', message, { code });

/**
 * Console sessions (docs/console.md): a random 256-bit id in an HttpOnly,
 * SameSite=Strict cookie (Secure when the request came over TLS), kept in
 * the database only as its SHA-256, ending SESSION_TTL_MS after login or
 * at logout. An operator's session also ends when the admin key changes
 * (it stores a hash of its id with the key it was made with); a member's
 * when the member, or its account, is removed. Every state-changing call
 * must carry the session's CSRF token in `x-csrf-token`.
 */
export class ConsoleSessions {
  constructor(
    private readonly storage: Pick<Storage, 'sessions' | 'members' | 'accounts'>,
    private readonly adminKey: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session for the operator (`who` null) or a member, and sets its cookie on `reply`. */
  async start(req: FastifyRequest, reply: FastifyReply, who: { member: Member; account: Account } | null): Promise<Viewer> {
    await this.storage.sessions.deleteExpired();
    const id = randomBytes(32).toString('base64url');
    const session = await this.storage.sessions.create({
      idHash: sha256(id),
      memberId: who?.member.id ?? null,
      operatorKeyHash: who === null ? this.#operatorMark(id) : null,
      expiresAt: this.now() + SESSION_TTL_MS,
    });
    void reply.header('set-cookie', cookie(id, SESSION_TTL_MS / 1000, overTls(req)));
    const csrfToken = csrfOf(id);
    return who === null ? { kind: 'operator', session, csrfToken } : { kind: 'member', session, csrfToken, ...who };
  }

  /** Who the request's session belongs to; a 401 without a live one. */
  async viewer(req: FastifyRequest): Promise<Viewer> {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (id === undefined || id === '') throw unauthenticated('Log in to the console first.', 'no_session');
    const idHash = sha256(id);
    const session = await this.storage.sessions.get(idHash);
    if (session === undefined) throw unauthenticated('This console session has ended; log in again.', 'no_session');
    if (session.expiresAt <= this.now()) {
      await this.storage.sessions.delete(idHash);
      throw unauthenticated('This console session has expired; log in again.', 'session_expired');
    }
    const csrfToken = csrfOf(id);
    if (session.memberId === null) {
      if (session.operatorKeyHash !== this.#operatorMark(id)) {
        await this.storage.sessions.delete(idHash);
        throw unauthenticated('The admin key has changed since this session logged in; log in again.', 'session_expired');
      }
      return { kind: 'operator', session, csrfToken };
    }
    const member = await this.storage.members.get(session.memberId);
    const account = member && (await this.storage.accounts.get(member.accountId));
    if (member === undefined || account === undefined) {
      await this.storage.sessions.delete(idHash);
      throw unauthenticated('This login no longer exists; ask the operator for a new invite.', 'no_session');
    }
    return { kind: 'member', session, csrfToken, member, account };
  }

  /** A 403 unless the request carries the session's CSRF token. */
  assertCsrf(req: FastifyRequest, viewer: Viewer): void {
    const sent = req.headers[CSRF_HEADER];
    const expected = Buffer.from(viewer.csrfToken);
    const actual = Buffer.from(typeof sent === 'string' ? sent : '');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new LinguaError('permission', `Missing or wrong CSRF token: send the session's token in the ${CSRF_HEADER} header.`, { code: 'csrf_token_invalid' });
    }
  }

  /** Ends the request's session (if any) and clears its cookie; returns the session ended. */
  async end(req: FastifyRequest, reply: FastifyReply): Promise<ConsoleSession | undefined> {
    void reply.header('set-cookie', cookie('', 0, overTls(req)));
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    return id === undefined || id === '' ? undefined : this.storage.sessions.delete(sha256(id));
  }

  /** What ties an operator's session to the admin key of its login: without the session id (never stored) it tells nothing about the key. */
  #operatorMark(sessionId: string): string {
    return sha256(`${sessionId}\0${this.adminKey ?? ''}`);
  }
}
