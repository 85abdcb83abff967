import { z } from 'zod';
import { duration } from '../admin/schemas.js';

/** What the console's own endpoints accept (the keys, usage and requests ones take the admin API's: src/admin/schemas.ts). */

const MIN_PASSWORD = 10;
const MAX_INVITE_MS = 30 * 86_400_000;
export const DEFAULT_INVITE_MS = 7 * 86_400_000;

export const memberLoginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
}).strict();

export const operatorLoginSchema = z.object({
  /** Absent on a loopback server without an admin key (this machine only). */
  admin_key: z.string().max(1000).optional(),
}).strict();

const token = z.string().min(1).max(200);

export const inviteLookupSchema = z.object({ token }).strict();

export const inviteAcceptSchema = z.object({
  token,
  password: z.string().min(MIN_PASSWORD, `must be at least ${MIN_PASSWORD} characters`).max(200),
}).strict();

export const inviteCreateSchema = z.object({
  email: z.email().max(320),
  /** How long the link works (default 7 days, at most 30). */
  expires_in: duration.refine((ms) => ms <= MAX_INVITE_MS, 'must be at most 30 days').optional(),
}).strict();

export const playgroundKeySchema = z.object({
  /** The operator's choice of account to bill; a member's is always its own. */
  account_id: z.string().min(1).max(100).nullable().optional(),
}).strict();
