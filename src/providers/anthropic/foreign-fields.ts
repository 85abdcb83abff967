import { invalidRequest, type ChatRequest } from '../../canonical/index.js';

/**
 * OpenAI request fields that only steer how OpenAI stores, bills or
 * monitors a call, with nothing for an Anthropic backend to do: dropped
 * (docs/anthropic-provider.md). `metadata` here is OpenAI's (string
 * tags), not Anthropic's `{user_id}`, which `user` already carries.
 */
const droppedHints = new Set(['store', 'metadata', 'service_tier', 'prompt_cache_key', 'safety_identifier']);

/**
 * Ling's search extensions (docs/search.md): left in `extra` only for a
 * provider marked `native_search` (Lingua's own search takes them out
 * otherwise), which serves them itself.
 */
const nativeExtensions = new Set(['enable_search', 'search_options']);

/**
 * Another protocol's top-level fields (`extra`, from OpenAI clients) never
 * reach an Anthropic body: an Anthropic upstream answers 400 to a field it
 * does not know. A hint is dropped, an unset or off value (`null`,
 * `false`: what SDKs send for "no") is nothing to refuse, Ling's search
 * extensions are returned to be sent, and any other field is refused by
 * name, since dropping it would change the answer without saying so.
 */
export function foreignFields(req: ChatRequest): Record<string, unknown> {
  const sent: Record<string, unknown> = {};
  for (const key of Object.keys(req.extra)) {
    const value = req.extra[key];
    if (nativeExtensions.has(key)) {
      sent[key] = value;
      continue;
    }
    if (value == null || value === false || droppedHints.has(key)) continue;
    throw invalidRequest(
      `Unsupported parameter: '${key}' is not supported by this model's backend (Anthropic Messages API).`,
      key,
      'unsupported_parameter',
    );
  }
  return sent;
}
