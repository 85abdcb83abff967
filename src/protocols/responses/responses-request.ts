import { LinguaError, type ChatRequest, type ReasoningPart } from '../../canonical/index.js';
import type { CallerState } from '../contract.js';
import type { ResponsesInputItem } from './request-schema.js';
import type { ToolName } from './tool-names.js';

/** An item reference in `input`: its place in the request, and the id it names. */
export interface ItemReference {
  /** Its index in the request's `input`. */
  at: number;
  /** How many of the request's other items come before it. */
  before: number;
  id: string;
}

/** A reasoning part whose `encrypted_content` is opened once the caller is known (state.ts). */
export interface SealedReasoning {
  part: ReasoningPart;
  token: string;
  /** The field, as the client wrote it (`input[3].encrypted_content`). */
  param: string;
}

/** The request's input as written, for what is made of it once the caller is known. */
export interface ResponsesInput {
  instructions: string | undefined;
  /** `input`, its item references taken out. */
  items: string | readonly ResponsesInputItem[];
  references: readonly ItemReference[];
  previousResponseId: string | undefined;
  /** Reasoning parts of the canonical messages still sealed. */
  sealed: SealedReasoning[];
}

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
  /** `store` (the API's default: true): the response is kept for the caller's account. */
  readonly store: boolean;
  readonly input: ResponsesInput;
  /** The caller's state, once the pipeline has handed it over (`prepare`). */
  state?: CallerState;
  /** The whole conversation answered, when it continues a stored one (state.ts). */
  conversation?: Array<Record<string, unknown>>;
  /** Sealed reasoning of the response's items by id, for the stored copy. */
  readonly kept: Map<string, string>;
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
