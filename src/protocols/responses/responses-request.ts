import { LinguaError, type ChatRequest } from '../../canonical/index.js';
import type { ToolName } from './tool-names.js';

/**
 * What the Responses encoders need of the request beyond the canonical
 * fields: the request's own fields the response object repeats, and how to
 * turn tool calls and reasoning back into items.
 */
export interface ResponsesContext {
  /** The response object's fields that echo the request (`instructions`, `tools`, `text`…), in the API's shape. */
  readonly echo: Readonly<Record<string, unknown>>;
  /** Names of custom (freeform) tools: a call of one is a `custom_tool_call` item. */
  readonly custom: ReadonlySet<string>;
  /** Tools of namespace tools, by the qualified name the backend calls them by. */
  readonly namespaced: ReadonlyMap<string, ToolName>;
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry it. */
  readonly encryptedReasoning: boolean;
}

/**
 * The canonical request a Responses body decodes into, with its context.
 * The pipeline hands the decoded request back to `encodeResult` and
 * `streamEncoder` as it got it, so the context travels with it without a
 * field in the canonical type; providers read only the canonical fields.
 */
export interface ResponsesRequest extends ChatRequest {
  readonly responses: ResponsesContext;
}

/** The context of a request this protocol decoded. */
export function responsesContext(request: ChatRequest): ResponsesContext {
  const context = (request as Partial<ResponsesRequest>).responses;
  if (context === undefined) throw new LinguaError('internal', 'a Responses encoder was given a request the Responses decoder did not make');
  return context;
}
