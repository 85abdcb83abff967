import type { ResponsePassthrough } from '../../canonical/index.js';

type Json = Record<string, unknown>;

/**
 * An OpenAI-compatible backend's own response fields
 * (src/providers/openai/map-passthrough.ts), or undefined for another
 * backend's: only OpenAI's are shown to an OpenAI client.
 */
export function openAIFields(p: ResponsePassthrough | undefined): Readonly<Json> | undefined {
  return p?.protocol === 'openai' ? p.fields : undefined;
}

/** `target` with `fields` set on it, the backend's values replacing Lingua's (`refusal: null`, `logprobs: null`…). */
export function assignFields(target: Json, fields: unknown): Json {
  if (typeof fields === 'object' && fields !== null) Object.assign(target, fields);
  return target;
}

/**
 * The usage object: the backend's own details (`completion_tokens_details`
 * with `audio_tokens`, `accepted_prediction_tokens`…) with Lingua's counts,
 * which are the ones billed.
 */
export function withUsageFields(usage: Json, fields: Readonly<Json> | undefined): Json {
  if (fields === undefined) return usage;
  return { ...usage, ...fields, prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}
