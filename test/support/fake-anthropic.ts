import type { ServerResponse } from 'node:http';
import { FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** What the fake answers: one Anthropic message. */
export interface FakeMessage {
  content: FakeBlock[];
  /** Default: `tool_use` when a tool_use block is present, else `end_turn`. */
  stop_reason?: string;
  stop_sequence?: string | null;
  usage?: FakeUsage;
  /** Streaming: characters per delta (default 4). */
  chunkSize?: number;
  /** Streaming: milliseconds between events. */
  delayMs?: number;
  /** Streaming: after this many deltas, an `error` event ends the stream. */
  errorAfter?: { deltas: number; type: string; message: string };
}

/**
 * An Anthropic Messages upstream over real HTTP: `POST …/messages` answers
 * `reply` as a message or, for `stream: true`, as the events Anthropic sends
 * (message_start, ping, per block start/deltas/stop, message_delta with
 * cumulative usage, message_stop). `streaming = false` behaves like seed
 * 001's server, answering every request with the whole message.
 * `POST …/messages/count_tokens` answers `countTokens`, or 404 when unset.
 * Records every request; counts clients that went away early (`aborted`).
 */
export class FakeAnthropic extends FakeUpstream {
  reply: FakeMessage = { content: [{ type: 'text', text: 'Hello from the fake Anthropic upstream.' }], usage: { input_tokens: 12, output_tokens: 8 } };
  /** When set, chooses the reply for each request (instead of `reply`). */
  replyFor: ((req: RecordedRequest) => FakeMessage) | undefined;
  streaming = true;
  countTokens: number | undefined;
  /** How long `count_tokens` takes to answer. */
  countDelayMs = 0;

  protected async answer(recorded: RecordedRequest, res: ServerResponse): Promise<void> {
    if (recorded.path.endsWith('/messages/count_tokens')) {
      if (this.countTokens === undefined) return sendError(res, 404, 'not_found_error', 'Not found');
      if (this.countDelayMs > 0) await sleep(this.countDelayMs);
      if (res.destroyed) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ input_tokens: this.countTokens }));
      return;
    }
    if (!recorded.path.endsWith('/messages')) return sendError(res, 404, 'not_found_error', 'Not found');
    const reply = this.replyFor?.(recorded) ?? this.reply;
    if (recorded.body.stream === true && this.streaming) return streamMessage(reply, recorded, res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(message(reply, recorded)));
  }
}

/** An Anthropic error response: `{type:"error", error:{type, message}}`. */
export function sendError(res: ServerResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

function stopReason(reply: FakeMessage): string {
  return reply.stop_reason ?? (reply.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

export function message(reply: FakeMessage, req: RecordedRequest): Record<string, unknown> {
  return {
    id: 'msg_fake01',
    type: 'message',
    role: 'assistant',
    model: req.body.model,
    content: reply.content,
    stop_reason: stopReason(reply),
    stop_sequence: reply.stop_sequence ?? null,
    usage: reply.usage ?? { input_tokens: 0, output_tokens: 0 },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function streamMessage(reply: FakeMessage, req: RecordedRequest, res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const size = reply.chunkSize ?? 4;
  const usage = reply.usage ?? { input_tokens: 0, output_tokens: 0 };
  let deltas = 0;
  const send = async (data: Record<string, unknown>): Promise<boolean> => {
    if (res.destroyed) return false;
    res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
    if (reply.delayMs) await sleep(reply.delayMs);
    return !res.destroyed;
  };
  const delta = async (index: number, d: Record<string, unknown>): Promise<boolean> => {
    if (reply.errorAfter !== undefined && deltas === reply.errorAfter.deltas) {
      await send({ type: 'error', error: { type: reply.errorAfter.type, message: reply.errorAfter.message } });
      res.end();
      return false;
    }
    deltas++;
    return send({ type: 'content_block_delta', index, delta: d });
  };

  const start = { ...message({ ...reply, content: [] }, req), stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } };
  if (!await send({ type: 'message_start', message: start })) return;
  if (!await send({ type: 'ping' })) return;
  for (const [index, block] of reply.content.entries()) {
    let ok = true;
    switch (block.type) {
      case 'text':
        ok = await send({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
        for (const p of pieces(block.text, size)) ok = ok && await delta(index, { type: 'text_delta', text: p });
        break;
      case 'thinking':
        ok = await send({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        for (const p of pieces(block.thinking, size)) ok = ok && await delta(index, { type: 'thinking_delta', thinking: p });
        ok = ok && await delta(index, { type: 'signature_delta', signature: block.signature });
        break;
      case 'redacted_thinking':
        ok = await send({ type: 'content_block_start', index, content_block: block });
        break;
      case 'tool_use':
        ok = await send({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
        for (const p of pieces(JSON.stringify(block.input), size)) ok = ok && await delta(index, { type: 'input_json_delta', partial_json: p });
        break;
    }
    if (!ok || !await send({ type: 'content_block_stop', index })) return;
  }
  // Usage in message_delta is cumulative (input included, as the current API sends it).
  if (!await send({ type: 'message_delta', delta: { stop_reason: stopReason(reply), stop_sequence: reply.stop_sequence ?? null }, usage })) return;
  await send({ type: 'message_stop' });
  res.end();
}
