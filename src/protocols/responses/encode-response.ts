import type { ChatResult } from '../../canonical/index.js';
import { messageItem, newItemId, reasoningItem, toolCallItem, type ItemStatus } from './output-items.js';
import { responseObject, terminalOf, type ResponseMeta } from './response-object.js';
import type { ResponsesContext } from './responses-request.js';

/**
 * A folded result as a `response` object: its output items in the order a
 * model makes them (reasoning, redacted reasoning, the message, the tool
 * calls), each completed, or the last ones incomplete when the generation
 * was cut short.
 */
export function encodeResponse(result: ChatResult, meta: ResponseMeta, context: ResponsesContext): Record<string, unknown> {
  const choice = result.choices[0]!;
  const terminal = terminalOf(choice.finish);
  const status: ItemStatus = terminal.status === 'completed' ? 'completed' : 'incomplete';
  const output: unknown[] = [];
  if (choice.reasoning !== '' || choice.reasoningSignature !== undefined) {
    output.push(reasoningItem(newItemId.reasoning(), {
      text: choice.reasoning,
      ...(choice.reasoningSignature === undefined ? {} : { signature: choice.reasoningSignature }),
    }, context, true));
  }
  for (const data of choice.reasoningRedacted ?? []) output.push(reasoningItem(newItemId.reasoning(), { text: '', redacted: data }, context, true));
  if (choice.text !== '') output.push(messageItem(newItemId.message(), choice.text, status));
  for (const call of choice.toolCalls) {
    output.push(toolCallItem(context.custom.has(call.name) ? newItemId.customToolCall() : newItemId.functionCall(), call, context, status));
  }
  return responseObject(meta, context, { ...terminal, output, usage: result.usage });
}
