import type { ChatHistoryItem, LLamaChatGenerateResponseOptions, LlamaChat, LlamaChatResponse } from 'node-llama-cpp';
import type { Finish, StreamEvent } from '../../canonical/index.js';
import { newToolCallId } from '../../lib/ids.js';

/** Everything `generateResponse` takes except the callbacks, which are ours. */
export type ChoiceOptions = Omit<LLamaChatGenerateResponseOptions, 'onTextChunk' | 'onToken' | 'onResponseChunk' | 'onFunctionCallParamsChunk' | 'onFunctionCall'>;

/**
 * Generates one choice on a sequence and emits it as canonical events as
 * the tokens come: text, reasoning (thought segments), tool calls with
 * their arguments streamed, then the choice's `finish`. Returns the
 * number of tokens the model generated (its end-of-turn token included).
 */
export async function generateChoice(
  chat: LlamaChat,
  history: ChatHistoryItem[],
  options: ChoiceOptions,
  choice: number,
  emit: (event: StreamEvent) => void,
): Promise<number> {
  const meter = chat.sequence.tokenMeter;
  const before = meter.usedOutputTokens;
  const started = new Set<number>();
  // Whitespace at the end of a call's arguments is held back until more follows: the
  // grammar lets the model pad after the JSON, and those bytes are not arguments.
  const heldSpace = new Map<number, string>();
  const response: LlamaChatResponse<Record<string, never>> = await chat.generateResponse(history, {
    ...options,
    onResponseChunk: (chunk) => {
      if (chunk.text === '') return;
      if (chunk.type === undefined) emit({ type: 'text', choice, text: chunk.text });
      else if (chunk.segmentType === 'thought') emit({ type: 'reasoning', choice, text: chunk.text });
    },
    onFunctionCallParamsChunk: (chunk) => {
      if (!started.has(chunk.callIndex)) {
        started.add(chunk.callIndex);
        emit({ type: 'tool_call_start', choice, index: chunk.callIndex, id: newToolCallId(), name: chunk.functionName });
      }
      const text = (heldSpace.get(chunk.callIndex) ?? '') + chunk.paramsChunk;
      const body = text.trimEnd();
      heldSpace.set(chunk.callIndex, text.slice(body.length));
      if (body !== '') emit({ type: 'tool_call_delta', choice, index: chunk.callIndex, arguments: body });
    },
  } as LLamaChatGenerateResponseOptions<Record<string, never>>);

  const calls = response.functionCalls ?? [];
  calls.forEach((call, index) => {
    if (started.has(index)) return; // streamed already
    emit({ type: 'tool_call_start', choice, index, id: newToolCallId(), name: call.functionName });
    emit({ type: 'tool_call_delta', choice, index, arguments: JSON.stringify(call.params ?? {}) });
  });
  emit({ type: 'finish', choice, finish: finishOf(response.metadata, calls.length > 0) });
  return meter.usedOutputTokens - before;
}

/** What node-llama-cpp says about why a generation stopped (chat and text completions alike). */
export interface StopMetadata {
  stopReason: string;
  /** The trigger that matched, when `stopReason` is `customStopTrigger`. */
  customStopTrigger?: readonly unknown[];
}

/** A generation's finish: `called` when the choice ended in tool calls. */
export function finishOf(meta: StopMetadata, called = false): Finish {
  // The token limit ends the answer even after a call: the last call may be cut short, so the answer is `length`, not a complete `tool_calls`.
  if (meta.stopReason === 'maxTokens') return { reason: 'length', raw: meta.stopReason };
  if (called) return { reason: 'tool_calls', raw: meta.stopReason };
  switch (meta.stopReason) {
    case 'maxTokens': return { reason: 'length', raw: meta.stopReason };
    case 'customStopTrigger':
      return { reason: 'stop', raw: meta.stopReason, stopSequence: (meta.customStopTrigger ?? []).filter((t) => typeof t === 'string').join('') };
    default: return { reason: 'stop', raw: meta.stopReason };
  }
}
