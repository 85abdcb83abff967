import { z } from 'zod';
import { invalidRequest, type ReasoningPart } from '../../canonical/index.js';

/**
 * The `encrypted_content` of a reasoning item Lingua made: what a stateless
 * client (`store: false`, `include: ["reasoning.encrypted_content"]`) sends
 * back on its next turn so that the backend gets its reasoning again exactly
 * (an Anthropic thinking block's text and signature, or its redacted data).
 *
 * Opaque to the client, but NOT encrypted: `lingua-r1.` and the base64url of
 * a small JSON object. The text in it is the reasoning the client was shown;
 * a signature authenticates itself to its backend. Encrypting it under a
 * server key (issue 14 item 3) needs a key in the config, which a protocol
 * cannot reach yet (docs/responses.md).
 */

const prefix = 'lingua-r1.';

const envelope = z.strictObject({ t: z.string().optional(), s: z.string().optional(), r: z.string().optional() });

/** The reasoning as an opaque `encrypted_content` string. */
export function sealReasoning(part: Pick<ReasoningPart, 'text' | 'signature' | 'redacted'>): string {
  const fields: z.infer<typeof envelope> = {};
  if (part.text !== '') fields.t = part.text;
  if (part.signature !== undefined) fields.s = part.signature;
  if (part.redacted !== undefined) fields.r = part.redacted;
  return prefix + Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/**
 * The reasoning in an `encrypted_content` Lingua made; anything else is a
 * 400 naming `param` (another service's encrypted reasoning cannot be read
 * here, and is not sent to a backend that could not read it either).
 */
export function openReasoning(sealed: string, param: string): ReasoningPart {
  const refuse = () => invalidRequest(
    `Invalid '${param}': this encrypted reasoning was not produced by this server, which cannot read it. Remove the reasoning item (or its 'encrypted_content') from 'input'.`,
    param,
    'invalid_encrypted_content',
  );
  if (!sealed.startsWith(prefix)) throw refuse();
  let parsed: z.infer<typeof envelope>;
  try {
    parsed = envelope.parse(JSON.parse(Buffer.from(sealed.slice(prefix.length), 'base64url').toString('utf8')));
  } catch {
    throw refuse();
  }
  const part: ReasoningPart = { type: 'reasoning', text: parsed.t ?? '' };
  if (parsed.s !== undefined) part.signature = parsed.s;
  if (parsed.r !== undefined) part.redacted = parsed.r;
  return part;
}
