import type { ServerResponse } from 'node:http';
import { completion, streamReply, type FakeReply } from './fake-openai.js';
import { FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export type { RecordedRequest } from './fake-upstream.js';

/** A failure envelope and the HTTP status it is sent with (such servers often use 200). */
export interface FakeFailure {
  httpStatus: number;
  code: string;
  message: string;
  /** Sent beside code and message, as the field at fault. */
  param?: string;
  headers?: Record<string, string>;
}

/** Streaming: after `chunks` chunks, the stream fails. */
export interface FakeMidStreamFailure {
  chunks: number;
  /** `envelope`: a `{success: false, …}` data frame then the end; `cut`: the connection is destroyed. */
  how: 'envelope' | 'cut';
  code?: string;
  message?: string;
}

/**
 * Seed 002's enveloped Chat Completions over real HTTP:
 * `POST …/chat/completions` answers `{success: true, code: "200", message:
 * "successful", data: <chat.completion>}`, or for `stream: true` plain
 * OpenAI SSE chunks. A request without `Authorization: Bearer <apiKey>` is
 * refused with `{success: false, code: "401", …}` that quotes the token it
 * got (as careless servers do); `failure` answers every request with that
 * envelope; `midStream` breaks streams. Records every request.
 */
export class FakeEnvelope extends FakeUpstream {
  reply: FakeReply = { choices: [{ text: 'Hello from the envelope.' }], usage: { prompt_tokens: 7, completion_tokens: 5 } };
  failure: FakeFailure | undefined;
  midStream: FakeMidStreamFailure | undefined;

  constructor(readonly apiKey: string) {
    super();
  }

  protected answer(recorded: RecordedRequest, res: ServerResponse): void | Promise<void> {
    const auth = recorded.headers.authorization;
    if (auth !== `Bearer ${this.apiKey}`) {
      return sendEnvelope(res, 401, { success: false, code: '401', message: `Invalid token: ${String(auth).replace(/^Bearer /, '')}`, data: null });
    }
    if (!recorded.path.endsWith('/chat/completions')) return sendEnvelope(res, 404, { success: false, code: '404', message: 'Not found', data: null });
    const f = this.failure;
    if (f !== undefined) {
      return sendEnvelope(res, f.httpStatus, { success: false, code: f.code, message: f.message, ...(f.param === undefined ? {} : { param: f.param }), data: null }, f.headers);
    }
    if (recorded.body.stream === true) return this.midStream === undefined ? streamReply(this.reply, recorded, res) : this.#breakStream(this.midStream, recorded, res);
    sendEnvelope(res, 200, { success: true, code: '200', message: 'successful', data: completion(this.reply, recorded) });
  }

  /** The reply's text in 4-character chunks, broken after `m.chunks` of them. */
  #breakStream(m: FakeMidStreamFailure, recorded: RecordedRequest, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const text = this.reply.choices[0]?.text ?? '';
    const base = { id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created: 1700000000, model: recorded.body.model };
    for (let i = 0; i < m.chunks; i++) {
      const delta = i === 0 ? { role: 'assistant', content: text.slice(0, 4) } : { content: text.slice(i * 4, i * 4 + 4) };
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
    }
    if (m.how === 'cut') {
      res.destroy();
      return;
    }
    res.end(`data: ${JSON.stringify({ success: false, code: m.code ?? '500', message: m.message ?? 'stream failed', data: null })}\n\n`);
  }
}

function sendEnvelope(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
