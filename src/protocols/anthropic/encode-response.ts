import { orderedBlocks, type ChatRequest, type ChatResult, type ChoiceResult, type Usage } from '../../canonical/index.js';
import { estimateInputTokens, estimateTextTokens } from '../../lib/estimate-tokens.js';
import { anthropicFields, usageKeys, withFields } from './passthrough.js';
import { anthropicStopReason, type AnthropicStopReason } from './stop-reason.js';
import { StopSequenceTail } from './stop-sequence-tail.js';
import { anthropicUsage, type AnthropicUsage } from './usage.js';

export type AnthropicContent =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export interface AnthropicMessageBody {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContent[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/**
 * A folded result as an Anthropic `message`. Blocks come in the order the
 * backend produced them (interleaved thinking stays interleaved, each
 * thinking block with its own signature). Without usage from the backend,
 * both counts are Lingua's estimate.
 */
export function encodeMessage(result: ChatResult, request: ChatRequest, id: string): AnthropicMessageBody {
  const choice = result.choices[0] ?? { index: 0, text: '', reasoning: '', toolCalls: [], finish: { reason: 'stop' } } satisfies ChoiceResult;
  const tail = new StopSequenceTail(request.stop);
  const head = tail.push(choice.text);
  const end = tail.finish(choice.finish);
  const text = head + end.text;

  const content: AnthropicContent[] = [];
  for (const block of orderedBlocks(choice)) {
    switch (block.type) {
      case 'reasoning':
        content.push({ type: 'thinking', thinking: choice.reasoning.slice(block.start, block.end), signature: block.signature ?? '' });
        break;
      case 'reasoning_redacted':
        content.push({ type: 'redacted_thinking', data: block.data });
        break;
      case 'text': {
        // A stop sequence taken off the end of the text shortens its last block.
        const part = text.slice(block.start, Math.min(block.end, text.length));
        if (part !== '') content.push({ type: 'text', text: part });
        break;
      }
      case 'tool_call': {
        const call = choice.toolCalls[block.index];
        if (call !== undefined) content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call.arguments) });
        break;
      }
    }
  }

  const usage: Usage = result.usage ?? {
    inputTokens: estimateInputTokens(request),
    outputTokens: estimateTextTokens(choice.reasoning + text + choice.toolCalls.map((c) => c.arguments).join('')),
  };
  // An Anthropic backend's own fields (`container`, its usage with the cache figures…) come back as they were.
  const opening = anthropicFields(result.opening?.passthrough);
  const rawUsage = anthropicFields(result.passthrough?.at(-1)) ?? (opening?.usage as Record<string, unknown> | undefined);
  return withFields({
    id,
    type: 'message',
    role: 'assistant',
    model: request.model,
    content,
    stop_reason: anthropicStopReason(choice.finish.reason, { usedTools: choice.toolCalls.length > 0, stopSequence: end.stopSequence }),
    stop_sequence: end.stopSequence ?? null,
    usage: withFields(anthropicUsage(usage), rawUsage, usageKeys),
  }, opening);
}

/**
 * Tool arguments (a JSON text) as a `tool_use` input object. Arguments cut
 * short (the token limit hit mid-call) or not an object give `{}`, the
 * input of a call that had not started its arguments.
 */
export function toolInput(args: string): unknown {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}
