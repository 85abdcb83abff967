import { orderedBlocks, type ChatResult } from '../../canonical/index.js';
import { messageItem, newItemId, reasoningItem, toolCallItem, type ItemStatus } from './output-items.js';
import { responseObject, terminalOf, type ResponseMeta } from './response-object.js';
import type { ResponsesContext } from './responses-request.js';
import { ownItem, ownItemId, upstreamItem, upstreamResponseFields } from './upstream-items.js';

/**
 * A folded result as a `response` object: its output items in the order the
 * backend produced them (each reasoning block an item of its own, with its
 * signature), each completed, or incomplete when the generation was cut short.
 */
export function encodeResponse(result: ChatResult, meta: ResponseMeta, context: ResponsesContext): Record<string, unknown> {
  const choice = result.choices[0]!;
  const terminal = terminalOf(choice.finish);
  const status: ItemStatus = terminal.status === 'completed' ? 'completed' : 'incomplete';
  const upstream = (choice.passthrough ?? []).map(upstreamItem).filter((item) => item !== undefined);
  // A Responses backend's items as it made them (the lossless path), else Lingua's of the blocks.
  if (upstream.length > 0) {
    const output = upstream.map((item) => ownItem(item, ownItemId(item), context));
    const fields = upstreamResponseFields(choice.passthrough?.findLast((p) => upstreamResponseFields(p) !== undefined));
    return responseObject(meta, context, { ...terminal, output, usage: result.usage, upstream: fields });
  }
  const output: unknown[] = [];
  for (const block of orderedBlocks(choice)) {
    switch (block.type) {
      case 'reasoning':
        output.push(reasoningItem(newItemId.reasoning(), {
          text: choice.reasoning.slice(block.start, block.end),
          ...(block.signature === undefined ? {} : { signature: block.signature }),
        }, context, true));
        break;
      case 'reasoning_redacted':
        output.push(reasoningItem(newItemId.reasoning(), { text: '', redacted: block.data }, context, true));
        break;
      case 'text':
        if (block.end > block.start) output.push(messageItem(newItemId.message(), choice.text.slice(block.start, block.end), status));
        break;
      case 'tool_call': {
        const call = choice.toolCalls[block.index];
        if (call !== undefined) output.push(toolCallItem(context.custom.has(call.name) ? newItemId.customToolCall() : newItemId.functionCall(), call, context, status));
        break;
      }
    }
  }
  return responseObject(meta, context, { ...terminal, output, usage: result.usage });
}
