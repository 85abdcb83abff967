import type { ServerResponse } from 'node:http';
import { FakeUpstream, type RecordedRequest } from './fake-upstream.js';

/** One output item the fake answers with. */
export type FakeOutputItem =
  /** `annotations` on its output_text (each also as an `annotation.added` event); with `include: ["message.output_text.logprobs"]`, one logprob per delta. */
  | { type: 'message'; text: string; annotations?: Json[] }
  | { type: 'reasoning'; summary?: string[]; text?: string; encrypted?: string }
  | { type: 'function_call'; callId: string; name: string; arguments: string }
  /** An item of another type (a hosted tool's), sent as given in its added and done events. */
  | { type: 'raw'; item: Json & { id: string; type: string } };

export interface FakeResponsesUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
}

/** What the fake answers: one response. */
export interface FakeResponse {
  output: FakeOutputItem[];
  usage?: FakeResponsesUsage;
  /** `incomplete` with this reason (`max_output_tokens`, `content_filter`) instead of `completed`. */
  incomplete?: string;
  /** Streaming: characters per delta (default 4). */
  chunkSize?: number;
  /** After this many output items, `response.failed` (or an `error` event, as vLLM sends) with this error ends the stream. */
  failAfter?: { items: number; code: string; message: string; as?: 'response.failed' | 'error' };
  /** Streaming: after the items, hold the stream open without its end (until the client goes). */
  hang?: boolean;
}

type Json = Record<string, unknown>;

/**
 * An OpenAI Responses API upstream over real HTTP: `POST …/responses`
 * answers `reply` as a response object or, for `stream: true`, as the
 * events OpenAI sends (response.created, response.in_progress, per item
 * output_item.added → its part and delta events → output_item.done, then
 * response.completed or response.incomplete carrying the whole response),
 * every event with its `event:` line and `sequence_number`.
 * `POST …/responses/input_tokens` answers `inputTokens`, or 404 when unset.
 * Records every request; counts clients that went away early (`aborted`).
 */
export class FakeResponses extends FakeUpstream {
  reply: FakeResponse = { output: [{ type: 'message', text: 'Hello from the fake Responses upstream.' }], usage: { input_tokens: 9, output_tokens: 7 } };
  /** When set, chooses the reply for each request (instead of `reply`). */
  replyFor: ((req: RecordedRequest) => FakeResponse) | undefined;
  /** false: answer every request with the whole response, as a server that cannot stream does. */
  streaming = true;
  /** What `POST …/responses/input_tokens` answers; unset: 404, as on vLLM. */
  inputTokens: number | undefined;

  protected answer(recorded: RecordedRequest, res: ServerResponse): void {
    if (recorded.path.endsWith('/responses/input_tokens') && this.inputTokens !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'response.input_tokens', input_tokens: this.inputTokens }));
      return;
    }
    if (!recorded.path.endsWith('/responses')) return sendError(res, 404, 'Not found', 'not_found');
    const reply = this.replyFor?.(recorded) ?? this.reply;
    const response = new ResponseWriter(reply, recorded);
    if (recorded.body.stream !== true || !this.streaming) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response.whole()));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const e of response.events()) {
      if (reply.hang && (e.type === 'response.completed' || e.type === 'response.incomplete')) return;
      res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
    }
    res.end();
  }
}

/** An OpenAI-style error answer: `{error: {message, type, param, code}}`. */
export function sendError(res: ServerResponse, status: number, message: string, code: string | null, type = 'invalid_request_error', param: string | null = null): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param, code } }));
}

/** One response: its items as the API shows them, and the stream that makes them. */
class ResponseWriter {
  readonly #reply: FakeResponse;
  readonly #request: RecordedRequest;
  readonly #id = 'resp_upstream1';
  #sequence = 0;

  constructor(reply: FakeResponse, request: RecordedRequest) {
    this.#reply = reply;
    this.#request = request;
  }

  whole(): Json {
    return this.#response(this.#reply.incomplete === undefined ? 'completed' : 'incomplete', this.#reply.output.map((item, i) => this.#item(item, i)));
  }

  *events(): Generator<Json> {
    const size = this.#reply.chunkSize ?? 4;
    yield this.#event('response.created', { response: this.#response('in_progress', []) });
    yield this.#event('response.in_progress', { response: this.#response('in_progress', []) });
    const done: Json[] = [];
    for (const [output_index, spec] of this.#reply.output.entries()) {
      const fail = this.#reply.failAfter;
      if (fail !== undefined && output_index === fail.items) {
        yield fail.as === 'error'
          ? this.#event('error', { code: fail.code, message: fail.message, param: null })
          : this.#event('response.failed', { response: { ...this.#response('failed', done), error: { code: fail.code, message: fail.message } } });
        return;
      }
      const item = this.#item(spec, output_index);
      const item_id = item.id;
      yield this.#event('response.output_item.added', { output_index, item: this.#opened(item) });
      switch (spec.type) {
        case 'message': {
          const part = { type: 'output_text', text: '', annotations: [] };
          yield this.#event('response.content_part.added', { item_id, output_index, content_index: 0, part });
          for (const [i, delta] of chunks(spec.text, size).entries()) yield this.#event('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: this.#logprobs(delta, i) });
          for (const [annotation_index, annotation] of (spec.annotations ?? []).entries()) {
            yield this.#event('response.output_text.annotation.added', { item_id, output_index, content_index: 0, annotation_index, annotation });
          }
          const whole = (item.content as Json[])[0]!;
          yield this.#event('response.output_text.done', { item_id, output_index, content_index: 0, text: spec.text, logprobs: whole.logprobs ?? [] });
          yield this.#event('response.content_part.done', { item_id, output_index, content_index: 0, part: whole });
          break;
        }
        case 'reasoning':
          for (const [summary_index, text] of (spec.summary ?? []).entries()) {
            yield this.#event('response.reasoning_summary_part.added', { item_id, output_index, summary_index, part: { type: 'summary_text', text: '' } });
            for (const delta of chunks(text, size)) yield this.#event('response.reasoning_summary_text.delta', { item_id, output_index, summary_index, delta });
            yield this.#event('response.reasoning_summary_text.done', { item_id, output_index, summary_index, text });
            yield this.#event('response.reasoning_summary_part.done', { item_id, output_index, summary_index, part: { type: 'summary_text', text } });
          }
          if (spec.text !== undefined) {
            for (const delta of chunks(spec.text, size)) yield this.#event('response.reasoning_text.delta', { item_id, output_index, content_index: 0, delta });
            yield this.#event('response.reasoning_text.done', { item_id, output_index, content_index: 0, text: spec.text });
          }
          break;
        case 'function_call':
          for (const delta of chunks(spec.arguments, size)) yield this.#event('response.function_call_arguments.delta', { item_id, output_index, delta });
          yield this.#event('response.function_call_arguments.done', { item_id, output_index, arguments: spec.arguments });
      }
      yield this.#event('response.output_item.done', { output_index, item });
      done.push(item);
    }
    const incomplete = this.#reply.incomplete !== undefined;
    yield this.#event(incomplete ? 'response.incomplete' : 'response.completed', { response: this.#response(incomplete ? 'incomplete' : 'completed', done) });
  }

  #event(type: string, fields: Json): Json {
    return { type, sequence_number: this.#sequence++, ...fields };
  }

  /** The item as `output_item.done` and the final response show it. */
  #item(spec: FakeOutputItem, index: number): Json & { id: string } {
    switch (spec.type) {
      case 'message': {
        const part: Json = { type: 'output_text', text: spec.text, annotations: spec.annotations ?? [] };
        if (this.#wantsLogprobs()) part.logprobs = chunks(spec.text, this.#reply.chunkSize ?? 4).flatMap((delta, i) => this.#logprobs(delta, i));
        return { id: `msg_up${index}`, type: 'message', status: 'completed', role: 'assistant', content: [part] };
      }
      case 'raw':
        return spec.item;
      case 'reasoning': {
        const item: Json & { id: string } = { id: `rs_up${index}`, type: 'reasoning', summary: (spec.summary ?? []).map((text) => ({ type: 'summary_text', text })) };
        if (spec.text !== undefined) item.content = [{ type: 'reasoning_text', text: spec.text }];
        const include = this.#request.body.include;
        if (spec.encrypted !== undefined && Array.isArray(include) && include.includes('reasoning.encrypted_content')) item.encrypted_content = spec.encrypted;
        return item;
      }
      case 'function_call':
        return { id: `fc_up${index}`, type: 'function_call', status: 'completed', call_id: spec.callId, name: spec.name, arguments: spec.arguments };
    }
  }

  /** With `include: ["message.output_text.logprobs"]`: one made-up logprob for the i-th delta (else none, as the API sends). */
  #logprobs(delta: string, i: number): Json[] {
    return this.#wantsLogprobs() ? [{ token: delta, logprob: -(i + 1) / 10, bytes: [...Buffer.from(delta)], top_logprobs: [] }] : [];
  }

  #wantsLogprobs(): boolean {
    const include = this.#request.body.include;
    return Array.isArray(include) && include.includes('message.output_text.logprobs');
  }

  /** The item as `output_item.added` shows it: no content yet. */
  #opened(item: Json): Json {
    switch (item.type) {
      case 'message': return { ...item, status: 'in_progress', content: [] };
      case 'reasoning': return { id: item.id, type: 'reasoning', summary: [] };
      case 'function_call': return { ...item, status: 'in_progress', arguments: '' };
      default: return item;
    }
  }

  #response(status: string, output: Json[]): Json {
    const body = this.#request.body;
    const usage = this.#reply.usage;
    return {
      id: this.#id,
      object: 'response',
      created_at: 1700000000,
      status,
      model: body.model,
      output,
      error: null,
      incomplete_details: status === 'incomplete' ? { reason: this.#reply.incomplete } : null,
      instructions: body.instructions ?? null,
      store: body.store ?? true,
      // The tier that served: the one asked for, `default` for `auto`.
      service_tier: body.service_tier == null || body.service_tier === 'auto' ? 'default' : body.service_tier,
      usage: status === 'in_progress' || usage === undefined ? null : {
        input_tokens: usage.input_tokens,
        input_tokens_details: { cached_tokens: usage.cached_tokens ?? 0 },
        output_tokens: usage.output_tokens,
        output_tokens_details: { reasoning_tokens: usage.reasoning_tokens ?? 0 },
        total_tokens: usage.input_tokens + usage.output_tokens,
      },
    };
  }
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
