import type { ServerResponse } from 'node:http';
import { FakeAnthropic, sendError, type FakeBlock } from '../support/fake-anthropic.js';
import { completion, FakeOpenAI, streamReply, type FakeReply } from '../support/fake-openai.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import type { NeutralReply } from './neutral.js';

/** A fake upstream of one protocol, scripted from neutral replies. */
export interface BackendDriver {
  name: 'openai-upstream' | 'anthropic-upstream';
  start(): Promise<Record<string, unknown>>;
  script(reply: NeutralReply): void;
  scriptError(status: number, message: string): void;
  last(): RecordedRequest;
  /** The tool result for `id` as the upstream received it, or undefined. */
  toolResult(body: Record<string, unknown>, id: string): string | undefined;
  /** The reasoning of the first assistant turn as the upstream received it. */
  reasoning(body: Record<string, unknown>): { text: string; signature?: string } | undefined;
  stopSequences(body: Record<string, unknown>): unknown;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export function openAIBackend(): BackendDriver {
  const fake = new FakeOpenAI();
  const finish = { end: 'stop', length: 'length', tool: 'tool_calls', stop_sequence: 'stop' } as const;
  return {
    name: 'openai-upstream',
    // Marked to take earlier reasoning back (as DeepSeek and Kimi do), so the matrix sees it round-trip.
    start: async () => ({ name: 'backend', type: 'openai', base_url: await fake.start(), accepts_reasoning_content: true }),
    script(r) {
      fake.handler = undefined;
      fake.reply = {
        choices: [{
          ...(r.text === undefined ? {} : { text: r.text }),
          ...(r.reasoning === undefined ? {} : { reasoning: r.reasoning.text }),
          ...(r.toolCalls === undefined ? {} : { toolCalls: r.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.stringify(c.input) })) }),
          finish: finish[r.stop],
        }],
        usage: { prompt_tokens: r.usage.input, completion_tokens: r.usage.output },
        chunkSize: 3,
      };
      if (r.stop === 'stop_sequence') {
        // As OpenAI does: asked to stop, it ends the text before the sequence and says only `stop`;
        // not asked (Lingua matches the sequences itself), the model writes the sequence and on.
        const asked = fake.reply;
        const written: FakeReply = { ...asked, choices: [{ ...asked.choices[0]!, text: `${r.text ?? ''}${r.stopSequence}, and on`, finish: 'length' }] };
        fake.handler = (req, res: ServerResponse) => {
          const reply = Array.isArray(req.body.stop) ? asked : written;
          if (req.body.stream === true) return streamReply(reply, req, res);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(completion(reply, req)));
        };
      }
    },
    scriptError(status, message) {
      fake.handler = (_req, res: ServerResponse) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: null } }));
      };
    },
    last: () => fake.last,
    toolResult(body, id) {
      const m = (body.messages as Json[]).find((x) => x.role === 'tool' && x.tool_call_id === id);
      return m === undefined ? undefined : String(m.content);
    },
    reasoning(body) {
      const m = (body.messages as Json[]).find((x) => x.role === 'assistant');
      return typeof m?.reasoning_content === 'string' ? { text: m.reasoning_content } : undefined;
    },
    stopSequences: (body) => body.stop,
    close: () => fake.close(),
  };
}

export function anthropicBackend(): BackendDriver {
  const fake = new FakeAnthropic();
  const stopReason = { end: 'end_turn', length: 'max_tokens', tool: 'tool_use', stop_sequence: 'stop_sequence' } as const;
  return {
    name: 'anthropic-upstream',
    start: async () => ({ name: 'backend', type: 'anthropic', base_url: await fake.start(), api_key: 'anthropic-upstream-key' }),
    script(r) {
      fake.handler = undefined;
      const content: FakeBlock[] = [];
      if (r.reasoning !== undefined) content.push({ type: 'thinking', thinking: r.reasoning.text, signature: r.reasoning.signature });
      if (r.text !== undefined) content.push({ type: 'text', text: r.text });
      for (const c of r.toolCalls ?? []) content.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
      fake.reply = {
        content,
        stop_reason: stopReason[r.stop],
        stop_sequence: r.stopSequence ?? null,
        usage: { input_tokens: r.usage.input, output_tokens: r.usage.output },
        chunkSize: 3,
      };
    },
    scriptError(status, message) {
      const type = status >= 500 ? 'api_error' : 'invalid_request_error';
      fake.handler = (_req, res) => sendError(res, status, type, message);
    },
    last: () => fake.last,
    toolResult(body, id) {
      for (const m of body.messages as Json[]) {
        if (!Array.isArray(m.content)) continue;
        for (const b of m.content as Json[]) {
          if (b.type === 'tool_result' && b.tool_use_id === id) {
            return typeof b.content === 'string' ? b.content : (b.content as Json[]).map((x) => x.text).join('');
          }
        }
      }
      return undefined;
    },
    reasoning(body) {
      const m = (body.messages as Json[]).find((x) => x.role === 'assistant');
      const b = Array.isArray(m?.content) ? (m.content as Json[]).find((x) => x.type === 'thinking') : undefined;
      return b === undefined ? undefined : { text: String(b.thinking), ...(typeof b.signature === 'string' ? { signature: b.signature } : {}) };
    },
    stopSequences: (body) => body.stop_sequences,
    close: () => fake.close(),
  };
}
