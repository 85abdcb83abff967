import type { AnthropicRequestPassthrough, ChatRequest, ResponsePassthrough } from '../../canonical/index.js';
import { unportableFields, type AnthropicTool, type CountTokensRequest } from './request-schema.js';

/** A tool Anthropic runs or defines (`web_search_20250305`, `bash_20250124`…), not one described by the client. */
export function isServerTool(t: AnthropicTool): boolean {
  return t.type != null && t.type !== 'custom';
}

/**
 * The client's Messages body, tagged for an Anthropic backend: kept as
 * parsed (the schema changes nothing it parses, so no copy is made), with
 * the canonical prompt read from it and the `anthropic-beta` header (joined
 * when sent more than once, as a list header may be).
 */
export function anthropicPassthrough(body: CountTokensRequest, request: ChatRequest, beta: string | string[] | undefined): AnthropicRequestPassthrough {
  const unportable: string[] = [];
  for (const field of unportableFields) if (body[field] != null) unportable.push(field);
  body.tools?.forEach((t, i) => { if (isServerTool(t)) unportable.push(`tools.${i}.type`); });
  const passthrough: AnthropicRequestPassthrough = {
    protocol: 'anthropic',
    body: body as Record<string, unknown>,
    messages: request.messages,
    tools: request.tools,
    unportable,
  };
  const header = Array.isArray(beta) ? beta.join(',') : beta;
  if (header !== undefined && header !== '') passthrough.beta = header;
  return passthrough;
}

/** An Anthropic backend's own response fields, or undefined for another backend's (never shown to an Anthropic client). */
export function anthropicFields(p: ResponsePassthrough | undefined): Readonly<Record<string, unknown>> | undefined {
  return p?.protocol === 'anthropic' ? p.fields : undefined;
}

/**
 * `target` with a backend's own `fields` added where it has no such key
 * (or the key is in `replaced`, whose value the backend's then replaces in
 * place), so that Lingua's fields keep their order and values.
 */
export function withFields<T extends object>(target: T, fields: Readonly<Record<string, unknown>> | undefined, replaced?: ReadonlySet<string>): T {
  if (fields === undefined) return target;
  const out = target as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!Object.hasOwn(out, key) || replaced?.has(key)) out[key] = fields[key];
  }
  return target;
}

/** The message's `usage`: an Anthropic backend's own replaces Lingua's. */
export const usageKey: ReadonlySet<string> = new Set(['usage']);

/** The counts of Anthropic usage: a backend's own figures replace Lingua's (which are read from them). */
export const usageKeys: ReadonlySet<string> = new Set(['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens']);
