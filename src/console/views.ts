import { rfc3339 } from '../admin/times.js';
import type { Account, Invite, Member } from '../storage/index.js';
import type { Viewer } from './sessions.js';

/** The console's own objects, in the admin API's conventions (RFC 3339 times, snake_case): never a hash. */

export interface SessionView {
  object: 'session';
  kind: Viewer['kind'];
  /** A member's email; null for the operator. */
  email: string | null;
  account: { id: string; name: string; status: Account['status'] } | null;
  /** Send it in `x-csrf-token` with every state-changing call. */
  csrf_token: string;
  expires_at: string;
}

export interface MemberView {
  object: 'member';
  id: string;
  account_id: string;
  email: string;
  created_at: string;
  last_login_at: string | null;
}

export interface InviteView {
  object: 'invite';
  id: string;
  account_id: string;
  email: string;
  status: 'pending' | 'used' | 'expired';
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export function sessionView(viewer: Viewer): SessionView {
  return {
    object: 'session',
    kind: viewer.kind,
    email: viewer.kind === 'member' ? viewer.member.email : null,
    account: viewer.kind === 'member' ? { id: viewer.account.id, name: viewer.account.name, status: viewer.account.status } : null,
    csrf_token: viewer.csrfToken,
    expires_at: rfc3339(viewer.session.expiresAt)!,
  };
}

export function memberView(m: Member): MemberView {
  return { object: 'member', id: m.id, account_id: m.accountId, email: m.email, created_at: rfc3339(m.createdAt)!, last_login_at: rfc3339(m.lastLoginAt) };
}

export function inviteView(i: Invite, now: number): InviteView {
  const status = i.usedAt !== null ? 'used' : i.expiresAt <= now ? 'expired' : 'pending';
  return {
    object: 'invite', id: i.id, account_id: i.accountId, email: i.email, status,
    created_at: rfc3339(i.createdAt)!, expires_at: rfc3339(i.expiresAt)!, used_at: rfc3339(i.usedAt),
  };
}
