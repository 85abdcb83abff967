import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

export interface CollectedToolCall {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
  /** The call's first delta carried both its id and its name (what clients rely on). */
  idAndNameFirst: boolean;
}

/** An OpenAI chat stream (choice 0), put together the way a client would. */
export interface CollectedStream {
  chunks: ChatCompletionChunk[];
  text: string;
  reasoning: string;
  toolCalls: CollectedToolCall[];
  finishReasons: string[];
  usages: CompletionUsage[];
}

export async function collectStream(stream: AsyncIterable<ChatCompletionChunk>): Promise<CollectedStream> {
  const out: CollectedStream = { chunks: [], text: '', reasoning: '', toolCalls: [], finishReasons: [], usages: [] };
  const calls = new Map<number, CollectedToolCall>();
  for await (const chunk of stream) {
    out.chunks.push(chunk);
    if (chunk.usage) out.usages.push(chunk.usage);
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
    out.text += delta.content ?? '';
    out.reasoning += delta.reasoning_content ?? '';
    for (const d of delta.tool_calls ?? []) {
      let call = calls.get(d.index);
      if (call === undefined) {
        call = { index: d.index, arguments: '', idAndNameFirst: d.id !== undefined && d.function?.name !== undefined };
        calls.set(d.index, call);
      }
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name = d.function.name;
      call.arguments += d.function?.arguments ?? '';
    }
    if (choice.finish_reason) out.finishReasons.push(choice.finish_reason);
  }
  out.toolCalls = [...calls.values()];
  return out;
}
