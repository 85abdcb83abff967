import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { API_KEY } from '../support/openai-fixture.js';
import type { FailureOutcome, NeutralRequest, NeutralStop, NeutralToolCall, Outcome } from './neutral.js';

/** A client protocol: sends a neutral request to Lingua and normalises what came back. */
export interface ClientDriver {
  name: 'openai' | 'anthropic' | 'envelope';
  send(url: string, model: string, request: NeutralRequest, stream: boolean): Promise<Outcome>;
  /** Sends, expecting a failure; returns it. */
  fail(url: string, model: string, request: NeutralRequest, stream: boolean): Promise<FailureOutcome>;
}

// ---- OpenAI Chat Completions (and the envelope, which shares its body) ----

function openAIBody(model: string, r: NeutralRequest): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  if (r.system !== undefined) messages.push({ role: 'system', content: r.system });
  for (const t of r.turns) {
    if (t.role === 'user') messages.push({ role: 'user', content: t.text });
    else if (t.role === 'tool') messages.push({ role: 'tool', tool_call_id: t.id, content: t.result });
    else {
      messages.push({
        role: 'assistant',
        content: t.text ?? null,
        ...(t.reasoning === undefined ? {} : { reasoning_content: t.reasoning.text }),
        // Lingua's field for signed reasoning, as its responses carry it (docs/anthropic-provider.md).
        ...(t.reasoning?.signature === undefined ? {} : { thinking_blocks: [{ type: 'thinking', thinking: t.reasoning.text, signature: t.reasoning.signature }] }),
        ...(t.toolCalls === undefined ? {} : {
          tool_calls: t.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input) } })),
        }),
      });
    }
  }
  return {
    model,
    messages,
    max_tokens: r.maxTokens,
    ...(r.stop === undefined ? {} : { stop: r.stop }),
    ...(r.tools === undefined ? {} : { tools: r.tools.map((t) => ({ type: 'function', function: t })) }),
  };
}

const openAIStop: Record<string, NeutralStop> = { stop: 'end', length: 'length', tool_calls: 'tool' };

function fromCompletion(c: OpenAI.ChatCompletion): Outcome {
  const m = c.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
  return {
    text: m.content ?? '',
    reasoning: m.reasoning_content ?? '',
    toolCalls: (m.tool_calls ?? []).map((t) => {
      if (t.type !== 'function') throw new Error('not a function call');
      return { id: t.id, name: t.function.name, input: JSON.parse(t.function.arguments) };
    }),
    stop: openAIStop[c.choices[0]!.finish_reason] ?? ('other' as NeutralStop),
    usage: { input: c.usage!.prompt_tokens, output: c.usage!.completion_tokens },
  };
}

async function openAIStream(client: OpenAI, body: Record<string, unknown>): Promise<Outcome> {
  const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } } as never) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>;
  const s = await collectStream(stream);
  if (s.finishReasons.length !== 1) throw new Error(`expected one finish_reason, got ${s.finishReasons.join(',')}`);
  if (s.toolCalls.some((t) => !t.idAndNameFirst)) throw new Error('a tool call did not carry its id and name on its first delta');
  const usage = s.usages.at(-1)!;
  return {
    text: s.text,
    reasoning: s.reasoning,
    toolCalls: s.toolCalls.map((t) => ({ id: t.id!, name: t.name!, input: JSON.parse(t.arguments) })),
    stop: openAIStop[s.finishReasons[0]!] ?? ('other' as NeutralStop),
    usage: { input: usage.prompt_tokens, output: usage.completion_tokens },
  };
}

export const openAIClient: ClientDriver = {
  name: 'openai',
  async send(url, model, request, stream) {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    const body = openAIBody(model, request);
    if (stream) return openAIStream(client, body);
    return fromCompletion(await client.chat.completions.create(body as never) as OpenAI.ChatCompletion);
  },
  async fail(url, model, request, stream) {
    const res = await post(`${url}/v1/chat/completions`, { ...openAIBody(model, request), stream });
    const e = (res.body as { error?: { message?: unknown; type?: unknown } }).error;
    return { status: res.status, message: String(e?.message ?? ''), shapeOk: typeof e?.message === 'string' && typeof e.type === 'string' };
  },
};

export const envelopeClient: ClientDriver = {
  name: 'envelope',
  async send(url, model, request, stream) {
    const body = openAIBody(model, request);
    if (stream) {
      // Streams are plain OpenAI SSE: the official client reads them as they are.
      return openAIStream(new OpenAI({ baseURL: `${url}/api/v1`, apiKey: API_KEY, maxRetries: 0 }), body);
    }
    const res = await post(`${url}/api/v1/chat/completions`, body);
    const envelope = res.body as { success: boolean; code: string; message: string; data: OpenAI.ChatCompletion };
    if (res.status !== 200 || envelope.success !== true || envelope.code !== '200' || envelope.message !== 'successful') {
      throw new Error(`bad envelope: ${res.status} ${JSON.stringify(envelope)}`);
    }
    return fromCompletion(envelope.data);
  },
  async fail(url, model, request, stream) {
    const res = await post(`${url}/api/v1/chat/completions`, { ...openAIBody(model, request), stream });
    const b = res.body as { success?: unknown; code?: unknown; message?: unknown; data?: unknown };
    return { status: res.status, message: String(b.message ?? ''), shapeOk: b.success === false && b.code === String(res.status) && b.data === null };
  },
};

// ---- Anthropic Messages ----

function anthropicBody(model: string, r: NeutralRequest): Record<string, unknown> {
  const messages: Array<{ role: string; content: unknown[] }> = [];
  const push = (role: string, block: unknown) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const t of r.turns) {
    if (t.role === 'user') push('user', { type: 'text', text: t.text });
    else if (t.role === 'tool') push('user', { type: 'tool_result', tool_use_id: t.id, content: t.result });
    else {
      if (t.reasoning !== undefined) push('assistant', { type: 'thinking', thinking: t.reasoning.text, signature: t.reasoning.signature });
      if (t.text !== undefined) push('assistant', { type: 'text', text: t.text });
      for (const c of t.toolCalls ?? []) push('assistant', { type: 'tool_use', id: c.id, name: c.name, input: c.input });
    }
  }
  return {
    model,
    max_tokens: r.maxTokens,
    messages,
    ...(r.system === undefined ? {} : { system: r.system }),
    ...(r.stop === undefined ? {} : { stop_sequences: r.stop }),
    ...(r.tools === undefined ? {} : { tools: r.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) }),
  };
}

const anthropicStop: Record<string, NeutralStop> = { end_turn: 'end', max_tokens: 'length', tool_use: 'tool', stop_sequence: 'stop_sequence' };

function fromMessage(m: Anthropic.Message): Outcome {
  // Anthropic's input_tokens leaves out cache reads and writes; the whole prompt is their sum.
  const input = m.usage.input_tokens + (m.usage.cache_read_input_tokens ?? 0) + (m.usage.cache_creation_input_tokens ?? 0);
  const out: Outcome = { text: '', reasoning: '', toolCalls: [], stop: anthropicStop[m.stop_reason ?? ''] ?? ('other' as NeutralStop), usage: { input, output: m.usage.output_tokens } };
  for (const b of m.content) {
    if (b.type === 'text') out.text += b.text;
    else if (b.type === 'thinking') out.reasoning += b.thinking;
    else if (b.type === 'tool_use') out.toolCalls.push({ id: b.id, name: b.name, input: b.input as Record<string, unknown> });
  }
  if (m.stop_sequence != null) out.stopSequence = m.stop_sequence;
  return out;
}

export const anthropicClient: ClientDriver = {
  name: 'anthropic',
  async send(url, model, request, stream) {
    const client = new Anthropic({ baseURL: url, apiKey: API_KEY, maxRetries: 0 });
    const body = anthropicBody(model, request) as unknown as Anthropic.MessageCreateParamsNonStreaming;
    if (!stream) return fromMessage(await client.messages.create(body));
    const s = client.messages.stream(body);
    let startInput = -1;
    s.on('streamEvent', (e) => {
      if (e.type === 'message_start') startInput = e.message.usage.input_tokens + (e.message.usage.cache_read_input_tokens ?? 0);
    });
    const message = await s.finalMessage();
    if (!(startInput > 0)) throw new Error(`message_start carried no input tokens (${startInput})`);
    return fromMessage(message);
  },
  async fail(url, model, request, stream) {
    const res = await post(`${url}/v1/messages`, { ...anthropicBody(model, request), stream }, { 'anthropic-version': '2023-06-01' });
    const b = res.body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    return { status: res.status, message: String(b.error?.message ?? ''), shapeOk: b.type === 'error' && typeof b.error?.type === 'string' };
  },
};

export const clients: ClientDriver[] = [openAIClient, anthropicClient, envelopeClient];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try { return { status: res.status, body: JSON.parse(text) }; } catch { return { status: res.status, body: { raw: text } }; }
}

export type { NeutralToolCall };
