import { invalidRequest } from './errors.js';
import type { Message, ToolDefinition } from './request.js';

/**
 * What passes between a client and a backend of the same wire protocol
 * without Lingua modelling it. The canonical request and events carry
 * meaning; these carry the rest, tagged with the protocol they came from,
 * so that only an encoder or provider of that protocol reads them and no
 * other backend is sent a field it does not know.
 */

/** The wire protocols whose bodies Lingua can pass on as they came. */
export type WireProtocol = 'openai' | 'anthropic' | 'responses';

/**
 * An Anthropic Messages request as the client sent it (validated by the
 * decoder, never modified): an Anthropic backend is sent this body, bar the
 * model id and Lingua's own settings, so that `cache_control` on system,
 * blocks and tools, `output_config`, `context_management`, `container`,
 * `mcp_servers`, `service_tier`… all arrive.
 */
export interface AnthropicRequestPassthrough {
  protocol: 'anthropic';
  body: Readonly<Record<string, unknown>>;
  /**
   * The canonical messages and tools read from `body`. The body's `system`
   * and `messages` (its `tools`) stand in for them only while the request
   * still holds these very arrays: a stage that rewrites the prompt builds
   * new ones, and its version is then the one sent.
   */
  messages: readonly Message[];
  tools: readonly ToolDefinition[] | undefined;
  /** The client's `anthropic-beta` header, forwarded as it came. */
  beta?: string;
  /**
   * Fields present in `body` that only an Anthropic backend can honour
   * (`container`, `mcp_servers`): a backend of another protocol refuses the
   * request naming the first of them, rather than answer without them.
   */
  unportable: readonly string[];
}

/**
 * An OpenAI Responses request as the client sent it (validated by the
 * decoder): a Responses backend is sent this body, bar the model id,
 * `stream`, `store` and `previous_response_id` (Lingua keeps the state), with
 * `input` the whole conversation as the upstream must see it (`input`,
 * below), so that annotations, `include` values, `text.verbosity`,
 * `truncation`… all arrive.
 */
export interface ResponsesRequestPassthrough {
  protocol: 'responses';
  /** The client's body; its `input` and `previous_response_id` are replaced by `input` below. */
  body: Readonly<Record<string, unknown>>;
  /**
   * The conversation as the upstream is sent it, once the protocol has
   * made it (stored items and item references resolved, Lingua's sealed
   * reasoning opened back into the upstream's own `encrypted_content`);
   * absent until then, and the request is then translated.
   */
  input?: string | readonly unknown[];
  /** The canonical messages made with `input`: the body stands in for them only while the request still holds this very array. */
  messages?: readonly Message[];
  /** Fields present in `body` that only a Responses backend can honour (`truncation`, `top_logprobs`…). */
  unportable: readonly string[];
  /** The refusal of an unportable field, where it has its own (encrypted reasoning another backend cannot read). */
  refusals?: Readonly<Record<string, { message: string; code: string }>>;
  /** Responses clients send no `anthropic-beta` (kept so that `passthrough?.beta` reads the same for either). */
  beta?: undefined;
}

export type RequestPassthrough = AnthropicRequestPassthrough | ResponsesRequestPassthrough;

/**
 * Response fields a backend returned that canonical events cannot carry
 * (Anthropic's cache-write figures and `container`, OpenAI's
 * `system_fingerprint`, `logprobs`, `annotations`…), in the backend's own
 * wire form: an encoder of the same protocol merges them back where they
 * stood; encoders of other protocols ignore them.
 */
export interface ResponsePassthrough {
  protocol: WireProtocol;
  fields: Readonly<Record<string, unknown>>;
}

/**
 * What a backend said at the start of its answer, carried by the first
 * event it yields: the input tokens it counted (Anthropic's
 * `message_start`), so that no separate count is asked, and the opening's
 * other fields.
 */
export interface StreamOpening {
  inputTokens?: number;
  passthrough?: ResponsePassthrough;
}

const backendOf: Record<WireProtocol, string> = {
  openai: 'an OpenAI-compatible backend',
  anthropic: 'an Anthropic backend',
  responses: 'an OpenAI Responses API backend (provider type openai-responses)',
};

/**
 * Refuses a request holding a field only a backend of its own protocol
 * can honour, for a backend of another (`backend` names it in the message;
 * `protocol` is the passthrough the backend takes, if any).
 */
export function refuseUnportable(req: { passthrough?: RequestPassthrough }, protocol: WireProtocol | undefined, backend: string): void {
  const p = req.passthrough;
  if (p === undefined || p.protocol === protocol || p.unportable.length === 0) return;
  const field = p.unportable[0]!;
  const own = p.protocol === 'responses' ? p.refusals?.[field] : undefined;
  if (own !== undefined) throw invalidRequest(own.message, field, own.code);
  throw invalidRequest(`Unsupported parameter: '${field}' needs ${backendOf[p.protocol]}; this model's backend is ${backend}.`, field, 'unsupported_parameter');
}
