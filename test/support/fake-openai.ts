import type { ServerResponse } from 'node:http';
import { FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export type { FakeHandler, RecordedRequest } from './fake-upstream.js';

/** What the fake upstream answers: one entry per choice. */
export interface FakeChoice {
  text?: string;
  reasoning?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finish?: string;
  /** vLLM's `stop_reason`: the stop string that matched. */
  stopReason?: string;
}

export interface FakeReply {
  choices: FakeChoice[];
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Streaming: characters per content delta (default 4). */
  chunkSize?: number;
  /** Streaming: report usage on every chunk, cumulatively (as some servers do). */
  cumulativeUsage?: boolean;
  /** Streaming: milliseconds between chunks. */
  delayMs?: number;
}

/**
 * An OpenAI-compatible upstream over real HTTP. It answers `reply` (or runs
 * `handler` when set), records every request, and notes clients that
 * disconnect before it finished (`aborted`).
 */
export class FakeOpenAI extends FakeUpstream {
  reply: FakeReply = { choices: [{ text: 'Hello from the fake upstream.' }], usage: { prompt_tokens: 7, completion_tokens: 6 } };

  protected answer(recorded: RecordedRequest, res: ServerResponse): void | Promise<void> {
    if (recorded.body.stream === true) return streamReply(this.reply, recorded, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion(this.reply, recorded)));
  }
}

export function completion(reply: FakeReply, req: RecordedRequest): Record<string, unknown> {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1700000000,
    model: req.body.model,
    choices: reply.choices.map((c, index) => ({
      index,
      message: {
        role: 'assistant',
        content: c.text ?? null,
        ...(c.reasoning === undefined ? {} : { reasoning_content: c.reasoning }),
        ...(c.toolCalls === undefined ? {} : {
          tool_calls: c.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } })),
        }),
      },
      finish_reason: c.finish ?? (c.toolCalls ? 'tool_calls' : 'stop'),
      ...(c.stopReason === undefined ? {} : { stop_reason: c.stopReason }),
    })),
    ...(reply.usage === undefined ? {} : { usage: { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens } }),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function streamReply(reply: FakeReply, req: RecordedRequest, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const size = reply.chunkSize ?? 4;
  const base = { id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1700000000, model: req.body.model };
  let emitted = 0;
  const usageNow = () => reply.usage === undefined ? undefined : {
    prompt_tokens: reply.usage.prompt_tokens,
    completion_tokens: Math.min(emitted, reply.usage.completion_tokens),
    total_tokens: reply.usage.prompt_tokens + Math.min(emitted, reply.usage.completion_tokens),
  };
  const send = async (choices: unknown[]) => {
    emitted++;
    const chunk: Record<string, unknown> = { ...base, choices };
    if (reply.cumulativeUsage) chunk.usage = usageNow();
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (reply.delayMs) await sleep(reply.delayMs);
  };
  for (let index = 0; index < reply.choices.length; index++) {
    if (res.destroyed) return;
    await send([{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  }
  for (let index = 0; index < reply.choices.length; index++) {
    const c = reply.choices[index]!;
    for (let i = 0; i < (c.reasoning ?? '').length; i += size) {
      if (res.destroyed) return;
      await send([{ index, delta: { reasoning_content: c.reasoning!.slice(i, i + size) }, finish_reason: null }]);
    }
    for (let i = 0; i < (c.text ?? '').length; i += size) {
      if (res.destroyed) return;
      await send([{ index, delta: { content: c.text!.slice(i, i + size) }, finish_reason: null }]);
    }
    for (const [k, t] of (c.toolCalls ?? []).entries()) {
      await send([{ index, delta: { tool_calls: [{ index: k, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, finish_reason: null }]);
      for (let i = 0; i < t.arguments.length; i += size) {
        if (res.destroyed) return;
        await send([{ index, delta: { tool_calls: [{ index: k, function: { arguments: t.arguments.slice(i, i + size) } }] }, finish_reason: null }]);
      }
    }
    await send([{ index, delta: {}, finish_reason: c.finish ?? (c.toolCalls ? 'tool_calls' : 'stop'), ...(c.stopReason === undefined ? {} : { stop_reason: c.stopReason }) }]);
  }
  const options = req.body.stream_options as { include_usage?: boolean } | undefined;
  if (reply.usage !== undefined && options?.include_usage && !reply.cumulativeUsage) {
    res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageNow() && { ...reply.usage, total_tokens: reply.usage.prompt_tokens + reply.usage.completion_tokens } })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}
