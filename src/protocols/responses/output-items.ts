import type { ReasoningPart, ToolCallPart, Usage } from '../../canonical/index.js';
import { randomId } from '../../lib/ids.js';
import { sealReasoning } from './reasoning-envelope.js';
import type { ResponsesContext } from './responses-request.js';

/**
 * The output items of a response, as the API shapes them: one function per
 * item type, shared by the whole response (`encodeResult`) and the stream,
 * so an item is the same object in `response.output_item.done` and in the
 * final `response.output`.
 */

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export const newItemId = {
  message: () => randomId('msg_'),
  reasoning: () => randomId('rs_'),
  functionCall: () => randomId('fc_'),
  customToolCall: () => randomId('ctc_'),
  response: () => randomId('resp_'),
  /** An input item the client sent without an id (a tool output), as a stored conversation lists it. */
  inputItem: () => randomId('item_'),
};

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [] };
}

export function messageItem(id: string, text: string | undefined, status: ItemStatus): Record<string, unknown> {
  return { id, type: 'message', status, role: 'assistant', content: text === undefined ? [] : [outputText(text)] };
}

/**
 * A reasoning item: a backend's reasoning is its raw text (`content`,
 * `reasoning_text`), not a summary, which no backend here writes. With
 * `include: ["reasoning.encrypted_content"]` it also carries what the
 * client sends back to continue (reasoning-envelope.ts); a stored response
 * keeps that beside the item (`kept`), shown or not.
 */
export function reasoningItem(id: string, part: Omit<ReasoningPart, 'type'>, context: ResponsesContext, done: boolean): Record<string, unknown> {
  const item: Record<string, unknown> = { id, type: 'reasoning', summary: [], content: done && part.text !== '' ? [{ type: 'reasoning_text', text: part.text }] : [] };
  return done ? withSealed(item, part, context) : item;
}

/**
 * A finished reasoning item (`item.id` its id) with what the client sends
 * back to continue: sealed, kept beside a stored response (`kept`) and
 * shown as `encrypted_content` when the client asked for it.
 */
export function withSealed(item: Record<string, unknown>, part: Omit<ReasoningPart, 'type'>, context: ResponsesContext): Record<string, unknown> {
  const { state } = context;
  if (state === undefined || !(context.encryptedReasoning || context.store)) return item;
  const sealed = sealReasoning(part, state);
  if (context.store) context.kept.set(item.id as string, sealed);
  if (context.encryptedReasoning) item.encrypted_content = sealed;
  return item;
}

/** Whether calls of `name` go back as `custom_tool_call` items. */
export function isCustom(context: ResponsesContext, name: string): boolean {
  return context.custom.has(name);
}

/**
 * A tool call: a `function_call`, or for a custom tool a `custom_tool_call`
 * whose input is the `input` argument the backend was asked for (its raw
 * arguments when it wrote something else).
 */
export function toolCallItem(id: string, call: Omit<ToolCallPart, 'type'>, context: ResponsesContext, status: ItemStatus): Record<string, unknown> {
  const own = context.namespaced.get(call.name);
  const name = own === undefined ? { name: call.name } : { name: own.name, namespace: own.namespace };
  if (isCustom(context, call.name)) {
    return { id, type: 'custom_tool_call', status, call_id: call.id, ...name, input: status === 'in_progress' ? '' : customInput(call.arguments) };
  }
  return { id, type: 'function_call', status, arguments: status === 'in_progress' ? '' : call.arguments, call_id: call.id, ...name };
}

/** The `input` of a custom tool call, from the JSON arguments the backend wrote. */
export function customInput(args: string): string {
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { input?: unknown }).input === 'string') return (parsed as { input: string }).input;
  } catch {
    // Not JSON: the model wrote the input itself.
  }
  return args;
}

/** Canonical usage as the API's `usage`. */
export function responsesUsage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}
