import type { ResponsePassthrough } from '../../canonical/index.js';

type Json = Record<string, unknown>;

/**
 * The parts of an OpenAI-compatible answer that canonical events do not
 * carry, kept in the upstream's own form for an OpenAI client
 * (src/canonical/passthrough.ts): the response's top-level fields
 * (`system_fingerprint`, `service_tier`…), a choice's (`logprobs`), its
 * message's or delta's (`refusal`, `annotations`, `audio`…) and the usage
 * object whole (`prompt_tokens_details`, `completion_tokens_details`…).
 */

/** Top-level fields Lingua writes itself. */
const ownTopFields = new Set(['id', 'object', 'created', 'model', 'choices', 'usage']);
/** A choice's fields Lingua writes itself. */
const ownChoiceFields = new Set(['index', 'message', 'delta', 'finish_reason', 'stop_reason']);
/** Message (delta) fields that are canonical content. */
const ownMessageFields = new Set(['role', 'content', 'reasoning_content', 'reasoning', 'tool_calls']);

/** `from`'s fields outside `own` whose value is set, or undefined when none. */
function others(from: Json, own: ReadonlySet<string>): Json | undefined {
  let out: Json | undefined;
  // for…in: no key array per chunk on the streaming path (parsed JSON has no inherited keys).
  for (const key in from) {
    if (own.has(key) || from[key] == null) continue;
    (out ??= Object.create(null) as Json)[key] = from[key];
  }
  return out;
}

/** The response's (or first chunk's) own top-level fields. */
export function topFields(body: Json): ResponsePassthrough | undefined {
  const fields = others(body, ownTopFields);
  return fields === undefined ? undefined : { protocol: 'openai', fields };
}

/**
 * A choice's fields and its message's (`message` or, streamed, `delta`):
 * `{choice, message}` as each is present.
 */
export function choiceFields(choice: Json, message: Json): ResponsePassthrough | undefined {
  const c = others(choice, ownChoiceFields);
  const m = others(message, ownMessageFields);
  if (c === undefined && m === undefined) return undefined;
  const fields = Object.create(null) as Json;
  if (c !== undefined) fields.choice = c;
  if (m !== undefined) fields.message = m;
  return { protocol: 'openai', fields };
}

/** The counts that canonical usage carries: a usage object of only these needs nothing passed. */
const ownUsageFields = new Set(['prompt_tokens', 'completion_tokens', 'total_tokens']);

/** The usage object as the upstream wrote it, when it holds more than the counts (`…_tokens_details`). */
export function usageFields(usage: unknown): ResponsePassthrough | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  return others(usage as Json, ownUsageFields) === undefined ? undefined : { protocol: 'openai', fields: usage as Json };
}
