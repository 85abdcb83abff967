import { SseReader } from './sse';

/** One playground call to a real caller endpoint (/v1/chat/completions, /v1/messages or /v1/responses), as a client of it would make it. */

export type Protocol = 'openai' | 'anthropic' | 'responses';

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface Settings {
  protocol: Protocol;
  model: string;
  system: string;
  /** Empty: the model's default. */
  temperature: string;
  maxTokens: string;
  stream: boolean;
}

export interface Prepared {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface CallError {
  status: number;
  message: string;
  param: string | null;
}

export interface Outcome {
  text: string;
  usage: { input: number; output: number } | undefined;
  status: number;
  error: CallError | undefined;
}

const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;

export function prepare(s: Settings, turns: Turn[], key: string | null): Prepared {
  const temperature = s.temperature.trim() === '' ? undefined : Number(s.temperature);
  const maxTokens = s.maxTokens.trim() === '' ? undefined : Number(s.maxTokens);
  if (s.protocol === 'openai') {
    return {
      url: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body: {
        model: s.model,
        messages: [...(s.system.trim() === '' ? [] : [{ role: 'system', content: s.system }]), ...turns],
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
        ...(s.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      },
    };
  }
  if (s.protocol === 'responses') {
    return {
      url: '/v1/responses',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
      body: {
        model: s.model,
        ...(s.system.trim() === '' ? {} : { instructions: s.system }),
        input: turns.map((t) => ({ type: 'message', role: t.role, content: t.content })),
        // The playground keeps its conversation itself: nothing to store on the server.
        store: false,
        ...(temperature === undefined ? {} : { temperature }),
        ...(maxTokens === undefined ? {} : { max_output_tokens: maxTokens }),
        ...(s.stream ? { stream: true } : {}),
      },
    };
  }
  return {
    url: '/v1/messages',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...(key === null ? {} : { 'x-api-key': key }) },
    body: {
      model: s.model,
      max_tokens: maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      ...(s.system.trim() === '' ? {} : { system: s.system }),
      messages: turns,
      ...(temperature === undefined ? {} : { temperature }),
      ...(s.stream ? { stream: true } : {}),
    },
  };
}

/** The headers as the page shows them: a key cut to its public start. */
export function shownHeaders(headers: Record<string, string>): Record<string, string> {
  const cut = (v: string) => v.replace(/(sk-lingua-[A-Za-z0-9]+)-[A-Za-z0-9]+/, '$1-…');
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, k === 'authorization' || k === 'x-api-key' ? cut(v) : v]));
}

function errorOf(status: number, json: unknown): CallError {
  const e = (json as { error?: { message?: string; param?: string | null } } | undefined)?.error;
  return { status, message: e?.message ?? `The server answered ${status}.`, param: e?.param ?? null };
}

/**
 * Sends the call; `onRaw` gets the response's text as it arrives, `onText`
 * the answer so far. Errors come back in the outcome, in the endpoint's
 * own shape (OpenAI's `param` names the field).
 */
export async function send(p: Prepared, protocol: Protocol, signal: AbortSignal, onRaw: (raw: string) => void, onText: (text: string) => void): Promise<Outcome> {
  const res = await fetch(p.url, { method: 'POST', headers: p.headers, body: JSON.stringify(p.body), signal, credentials: 'omit' });
  const streaming = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  let raw = '';
  let text = '';
  let usage: Outcome['usage'];
  let error: CallError | undefined;
  if (!streaming) {
    raw = await res.text();
    onRaw(raw);
    let json: unknown;
    try { json = JSON.parse(raw); } catch { json = undefined; }
    if (!res.ok) return { text: '', usage: undefined, status: res.status, error: errorOf(res.status, json) };
    if (protocol === 'openai') {
      const r = json as { choices?: Array<{ message?: { content?: string | null } }>; usage?: { prompt_tokens: number; completion_tokens: number } };
      text = r.choices?.[0]?.message?.content ?? '';
      usage = r.usage === undefined ? undefined : { input: r.usage.prompt_tokens, output: r.usage.completion_tokens };
    } else if (protocol === 'responses') {
      const r = json as ResponseObject;
      text = textOfResponse(r);
      usage = usageOfResponse(r);
    } else {
      const r = json as { content?: Array<{ type: string; text?: string }>; usage?: { input_tokens: number; output_tokens: number } };
      text = (r.content ?? []).filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
      usage = r.usage === undefined ? undefined : { input: r.usage.input_tokens, output: r.usage.output_tokens };
    }
    onText(text);
    return { text, usage, status: res.status, error };
  }
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const sse = new SseReader();
  let input = 0;
  for (;;) {
    const { done, value } = await reader.read();
    const chunk = done ? decoder.decode() : decoder.decode(value, { stream: true });
    raw += chunk;
    onRaw(raw);
    for (const { data } of sse.push(chunk)) {
      if (data === '[DONE]') continue;
      let json: Record<string, any>;
      try { json = JSON.parse(data) as Record<string, any>; } catch { continue; }
      if (json.error !== undefined && json.type !== 'response.failed') error = errorOf(res.status, json);
      if (protocol === 'responses') {
        if (json.type === 'response.output_text.delta' && typeof json.delta === 'string') text += json.delta;
        else if (json.type === 'error') error = { status: res.status, message: json.message ?? 'The stream ended with an error.', param: json.param ?? null };
        else if (json.type === 'response.failed') error = { status: res.status, message: json.response?.error?.message ?? 'The response failed.', param: null };
        if (json.response?.usage != null) usage = usageOfResponse(json.response as ResponseObject);
      } else if (protocol === 'openai') {
        const delta = json.choices?.[0]?.delta?.content;
        if (typeof delta === 'string') text += delta;
        if (json.usage != null) usage = { input: json.usage.prompt_tokens, output: json.usage.completion_tokens };
      } else if (json.type === 'content_block_delta' && json.delta?.type === 'text_delta') {
        text += json.delta.text;
      } else if (json.type === 'message_start') {
        input = json.message?.usage?.input_tokens ?? 0;
      } else if (json.type === 'message_delta' && json.usage !== undefined) {
        usage = { input: json.usage.input_tokens ?? input, output: json.usage.output_tokens };
      }
    }
    onText(text);
    if (done) break;
  }
  return { text, usage, status: res.status, error };
}

interface ResponseObject {
  output?: Array<{ type: string; content?: Array<{ type: string; text?: string }> }>;
  usage?: { input_tokens: number; output_tokens: number } | null;
}

/** The text of a Responses API response: its message items' output_text parts, in order. */
function textOfResponse(r: ResponseObject): string {
  return (r.output ?? []).filter((item) => item.type === 'message')
    .flatMap((item) => item.content ?? []).filter((part) => part.type === 'output_text').map((part) => part.text ?? '').join('');
}

function usageOfResponse(r: ResponseObject): Outcome['usage'] {
  return r.usage == null ? undefined : { input: r.usage.input_tokens, output: r.usage.output_tokens };
}
