import { z } from 'zod';
import { invalidRequest, type ReasoningPart } from '../../canonical/index.js';
import type { CallerState } from '../contract.js';

/**
 * The `encrypted_content` of a reasoning item Lingua made: what a stateless
 * client (`store: false`, `include: ["reasoning.encrypted_content"]`) sends
 * back on its next turn so that the backend gets its reasoning again exactly
 * (an Anthropic thinking block's text and signature, or its redacted data).
 * It is a small JSON object sealed by the server (AES-256-GCM under a key
 * every instance on the database shares, bound to the caller's account:
 * src/lib/sealer.ts), so a client can neither read nor alter it, and one
 * account cannot replay another's.
 */

/** How every value Lingua seals begins (src/server/platform.ts makes its Sealer with it). */
export const sealPrefix = 'lingua-s1.';

const envelope = z.strictObject({ t: z.string().optional(), s: z.string().optional(), r: z.string().optional() });

/** The refusal of encrypted reasoning this server cannot read (for a backend that could not read it either). */
export function unreadable(param: string): { message: string; code: string } {
  return {
    message: `Invalid '${param}': this encrypted reasoning was not produced by this server for this account, so it cannot be read. Remove the reasoning item (or its 'encrypted_content') from 'input'.`,
    code: 'invalid_encrypted_content',
  };
}

/** The reasoning as an opaque `encrypted_content` string. */
export function sealReasoning(part: Pick<ReasoningPart, 'text' | 'signature' | 'redacted'>, state: Pick<CallerState, 'seal'>): string {
  const fields: z.infer<typeof envelope> = {};
  if (part.text !== '') fields.t = part.text;
  if (part.signature !== undefined) fields.s = part.signature;
  if (part.redacted !== undefined) fields.r = part.redacted;
  return state.seal(JSON.stringify(fields));
}

/**
 * Fills `part` with the reasoning sealed in `token`; anything this server
 * did not seal for this account is a 400 naming `param` (another service's
 * encrypted reasoning cannot be read here, and is not sent to a backend
 * that could not read it either).
 */
export function openReasoning(part: ReasoningPart, token: string, param: string, state: Pick<CallerState, 'open'>): void {
  const opened = state.open(token);
  let parsed: z.infer<typeof envelope> | undefined;
  try {
    if (opened !== undefined) parsed = envelope.parse(JSON.parse(opened));
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) throw invalidRequest(unreadable(param).message, param, unreadable(param).code);
  if (parsed.t !== undefined) part.text = parsed.t;
  if (parsed.s !== undefined) part.signature = parsed.s;
  if (parsed.r !== undefined) {
    part.redacted = parsed.r;
    part.text = '';
  }
}
