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
export type WireProtocol = 'openai' | 'anthropic';

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

export type RequestPassthrough = AnthropicRequestPassthrough;

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

/**
 * Refuses a request holding a field only a backend of its own protocol
 * can honour, for a backend of another (`backend` names it in the message).
 */
export function refuseUnportable(req: { passthrough?: RequestPassthrough }, protocol: WireProtocol, backend: string): void {
  const p = req.passthrough;
  if (p === undefined || p.protocol === protocol || p.unportable.length === 0) return;
  const field = p.unportable[0]!;
  throw invalidRequest(`Unsupported parameter: '${field}' needs an Anthropic backend; this model's backend is ${backend}.`, field, 'unsupported_parameter');
}
