import { orderedBlocks, type ChatResult, type ChoiceResult } from '../../canonical/index.js';
import { openAIFinishReason, openAIUsage } from './encode-common.js';
import { assignFields, openAIFields, withUsageFields } from './passthrough.js';

export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

/** A folded result as an OpenAI `chat.completion` object. */
export function encodeChatCompletion(result: ChatResult, meta: ResponseMeta): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: result.choices.map((c) => {
      const message: Record<string, unknown> = {
        role: 'assistant',
        content: c.text === '' && c.toolCalls.length > 0 ? null : c.text,
        refusal: null,
      };
      if (c.reasoning !== '') message.reasoning_content = c.reasoning;
      const signed = thinkingBlocks(c);
      if (signed.length > 0) message.thinking_blocks = signed;
      if (c.toolCalls.length > 0) {
        message.tool_calls = c.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
      }
      const choice: Record<string, unknown> = { index: c.index, message, logprobs: null, finish_reason: openAIFinishReason(c.finish.reason) };
      // An OpenAI-compatible backend's own fields (`refusal`, `annotations`, `audio`, `logprobs`…) as it returned them.
      for (const p of c.passthrough ?? []) {
        const fields = openAIFields(p);
        assignFields(message, fields?.message);
        assignFields(choice, fields?.choice);
      }
      return choice;
    }),
  };
  if (result.usage !== undefined) body.usage = withUsageFields(openAIUsage(result.usage), openAIFields(result.passthrough?.at(-1)));
  // Its top-level fields (`system_fingerprint`, `service_tier`…), after Lingua's own.
  const top = openAIFields(result.opening?.passthrough);
  if (top !== undefined) for (const key of Object.keys(top)) body[key] ??= top[key];
  return body;
}

/**
 * A choice's signed and redacted reasoning blocks, in order, in the form
 * other gateways use (`thinking_blocks`): a client that sends them back on
 * its assistant message continues a tool loop on a backend that checks
 * signatures (Anthropic). Unsigned reasoning has nothing to carry.
 */
function thinkingBlocks(c: ChoiceResult): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  for (const b of orderedBlocks(c)) {
    if (b.type === 'reasoning' && b.signature !== undefined) blocks.push({ type: 'thinking', thinking: c.reasoning.slice(b.start, b.end), signature: b.signature });
    else if (b.type === 'reasoning_redacted') blocks.push({ type: 'redacted_thinking', data: b.data });
  }
  return blocks;
}
