import type { ReasoningPart } from '../../canonical/index.js';
import type { SealedReasoning } from './responses-request.js';

type Item = Record<string, unknown>;

/** Item types whose `id` names an item of Lingua's (or of nothing a `store: false` upstream keeps): sent without it. */
const ownIdTypes = new Set([undefined, 'message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output']);

/**
 * The conversation as a Responses upstream is sent it (the lossless path,
 * src/canonical/passthrough.ts): each item as the client (or the stored
 * response) had it, but
 *
 * - a reasoning item's `encrypted_content` sealed by Lingua is opened back
 *   into what the upstream gave (the reasoning's signature); reasoning the
 *   upstream did not make (another backend's, or sent without encrypted
 *   content) has no item a `store: false` upstream takes and is left out,
 *   as the translating path leaves it out;
 * - the ids of messages, reasoning and calls are left out: they are
 *   Lingua's, and a `store: false` upstream keeps no item to match them.
 *
 * `sealed` holds the reasoning already opened (state.ts), by token;
 * `foreign`, encrypted content Lingua did not seal (the upstream's own), kept as it came.
 */
export function upstreamInput(items: string | readonly unknown[], sealed: readonly SealedReasoning[], foreign: ReadonlySet<string>): string | Item[] {
  if (typeof items === 'string') return items;
  const opened = new Map<string, ReasoningPart>(sealed.map((s) => [s.token, s.part]));
  const out: Item[] = [];
  for (const raw of items as Item[]) {
    const item: Item = { ...raw };
    if (ownIdTypes.has(item.type as string | undefined)) delete item.id;
    if (item.type === 'reasoning' && !foreign.has(item.encrypted_content as string)) {
      const part = typeof item.encrypted_content === 'string' ? opened.get(item.encrypted_content) : undefined;
      if (part?.signature === undefined || part.redacted !== undefined) continue;
      item.encrypted_content = part.signature;
    }
    out.push(item);
  }
  return out;
}
