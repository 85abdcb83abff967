import type { ResponsePassthrough } from '../../canonical/index.js';
import { newItemId, withSealed } from './output-items.js';
import type { ResponsesContext } from './responses-request.js';

/**
 * What a Responses backend returned beside the canonical events, for a
 * Responses client (the lossless path: src/providers/openai-responses/map-stream.ts
 * attaches it): an output item as the upstream made it (`item`), a text
 * delta's `logprobs`, the final response's fields (`response`). The
 * encoders write them back with Lingua's own ids, response id and model
 * name, so that stored responses (state.ts) and clients see one answer.
 */

type Json = Record<string, unknown>;

/** A Responses backend's own fields, or undefined for another backend's. */
export function responsesFields(p: ResponsePassthrough | undefined): Readonly<Json> | undefined {
  return p?.protocol === 'responses' ? p.fields : undefined;
}

/** The upstream item an event carries. */
export function upstreamItem(p: ResponsePassthrough | undefined): Json | undefined {
  const item = responsesFields(p)?.item;
  return typeof item === 'object' && item !== null ? item as Json : undefined;
}

/** The item types canonical events carry (others, hosted tools' items, come whole). */
export function isCanonicalItem(item: Json): boolean {
  return item.type === 'message' || item.type === 'reasoning' || item.type === 'function_call';
}

/** Lingua's id for an item of this type; a hosted tool's item keeps the upstream's. */
export function ownItemId(item: Json): string {
  switch (item.type) {
    case 'message': return newItemId.message();
    case 'reasoning': return newItemId.reasoning();
    case 'function_call': return newItemId.functionCall();
    default: return typeof item.id === 'string' ? item.id : newItemId.inputItem();
  }
}

/**
 * The upstream's item as the client gets it: its fields as they came
 * (annotations and logprobs of `output_text`, a call's status…) under
 * Lingua's `id`; a reasoning item's `encrypted_content` (the upstream's) is
 * sealed as Lingua seals every reasoning (output-items.ts), and opened back
 * into the upstream's when the client sends it again (upstream-input.ts).
 */
export function ownItem(item: Json, id: string, context: ResponsesContext): Json {
  const own: Json = { ...item, id };
  if (item.type !== 'reasoning') return own;
  delete own.encrypted_content;
  const text = textsOf(item.content, 'reasoning_text').join('') || textsOf(item.summary, 'summary_text').join('\n\n');
  const signature = typeof item.encrypted_content === 'string' && item.encrypted_content !== '' ? item.encrypted_content : undefined;
  return withSealed(own, { text, ...(signature === undefined ? {} : { signature }) }, context);
}

function textsOf(parts: unknown, type: string): string[] {
  if (!Array.isArray(parts)) return [];
  return parts.flatMap((p: Json) => (p?.type === type && typeof p.text === 'string' ? [p.text] : []));
}

/** Fields of the response object Lingua makes itself (its ids, state, usage and echo of this request). */
const ownResponseFields = new Set([
  'id', 'object', 'created_at', 'completed_at', 'status', 'error', 'incomplete_details', 'model', 'output', 'output_text',
  'usage', 'store', 'previous_response_id', 'background', 'instructions', 'conversation',
]);

/** The upstream response's other fields (`service_tier` as served…), for the client's response object. */
export function upstreamResponseFields(p: ResponsePassthrough | undefined): Json | undefined {
  const response = responsesFields(p)?.response;
  if (typeof response !== 'object' || response === null) return undefined;
  const out: Json = {};
  for (const [key, value] of Object.entries(response)) if (!ownResponseFields.has(key)) out[key] = value;
  return out;
}
