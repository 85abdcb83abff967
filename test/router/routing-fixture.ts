import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI, type RecordedRequest } from '../support/fake-openai.js';
import { anthropicFrames, assertWellFormed } from '../support/messages-fixture.js';
import { API_KEY } from '../support/openai-fixture.js';

export { API_KEY };

/** The three client protocols of a chat request. */
export type Protocol = 'openai' | 'anthropic' | 'envelope';
export const protocols: readonly Protocol[] = ['openai', 'anthropic', 'envelope'];

/** What a client got, read the way a client of that protocol reads it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** The assistant's text (streamed: what arrived before any error). */
  text: string;
  /** The error in the protocol's own shape, when there was one. */
  error: { message: string; type: string } | undefined;
  /** Streams: ended properly, ended with an error frame, or cut without either. Whole answers: `complete` or `error`. */
  ended: 'complete' | 'error' | 'cut';
}

export interface AskOptions {
  model: string;
  stream: boolean;
  /** Extra top-level body fields (OpenAI and envelope only). */
  extra?: Record<string, unknown>;
  key?: string;
  signal?: AbortSignal;
}

const paths: Record<Protocol, string> = { openai: '/v1/chat/completions', anthropic: '/v1/messages', envelope: '/api/v1/chat/completions' };

/** Sends one chat request in `protocol` and reads the answer, checking its shape. */
export async function ask(url: string, protocol: Protocol, options: AskOptions): Promise<Answer> {
  const key = options.key ?? API_KEY;
  const anthropic = protocol === 'anthropic';
  const body = anthropic
    ? { model: options.model, max_tokens: 64, stream: options.stream, messages: [{ role: 'user', content: 'Hi' }] }
    : { model: options.model, stream: options.stream, messages: [{ role: 'user', content: 'Hi' }], ...options.extra };
  const headers: Record<string, string> = anthropic
    ? { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' }
    : { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  // A hang fails the test instead of stalling it.
  const res = await fetch(`${url}${paths[protocol]}`, { method: 'POST', headers, body: JSON.stringify(body), signal: options.signal ?? AbortSignal.timeout(15_000) });
  const raw = await res.text();
  assert.ok(raw.length > 0, `HTTP ${res.status} came without a body`);
  const base = { status: res.status, headers: res.headers };
  if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    return { ...base, ...wholeAnswer(protocol, res.status, raw) };
  }
  return { ...base, ...(anthropic ? anthropicStream(raw) : openAIStream(raw)) };
}

function wholeAnswer(protocol: Protocol, status: number, raw: string): Pick<Answer, 'text' | 'error' | 'ended'> {
  const json = JSON.parse(raw) as Record<string, any>;
  switch (protocol) {
    case 'openai':
      if (status === 200) return { text: json.choices[0].message.content, error: undefined, ended: 'complete' };
      assert.deepEqual(Object.keys(json), ['error'], raw);
      assert.equal(typeof json.error.message, 'string', raw);
      return { text: '', error: { message: json.error.message, type: json.error.type }, ended: 'error' };
    case 'envelope':
      if (status === 200) {
        assert.equal(json.success, true, raw);
        return { text: json.data.choices[0].message.content, error: undefined, ended: 'complete' };
      }
      assert.deepEqual(json, { success: false, code: String(status), message: json.message, data: null }, raw);
      return { text: '', error: { message: json.message, type: '' }, ended: 'error' };
    case 'anthropic':
      if (status === 200) return { text: (json.content as Array<{ text?: string }>).map((b) => b.text ?? '').join(''), error: undefined, ended: 'complete' };
      assert.equal(json.type, 'error', raw);
      assert.equal(typeof json.error.message, 'string', raw);
      return { text: '', error: { message: json.error.message, type: json.error.type }, ended: 'error' };
  }
}

function openAIStream(raw: string): Pick<Answer, 'text' | 'error' | 'ended'> {
  let text = '';
  for (const frame of raw.split('\n\n')) {
    if (!frame.startsWith('data: ')) continue; // heartbeats are comments
    const data = frame.slice(6);
    if (data === '[DONE]') return { text, error: undefined, ended: 'complete' };
    const chunk = JSON.parse(data) as Record<string, any>;
    if (chunk.error !== undefined) return { text, error: { message: chunk.error.message, type: chunk.error.type }, ended: 'error' };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return { text, error: undefined, ended: 'cut' };
}

function anthropicStream(raw: string): Pick<Answer, 'text' | 'error' | 'ended'> {
  const frames = anthropicFrames(raw);
  let text = '';
  for (const f of frames) {
    if (f.event === 'content_block_delta' && f.data.delta.type === 'text_delta') text += f.data.delta.text;
    if (f.event === 'error') return { text, error: { message: f.data.error.message, type: f.data.error.type }, ended: 'error' };
  }
  if (frames.at(-1)?.event !== 'message_stop') return { text, error: undefined, ended: 'cut' };
  assertWellFormed(frames);
  return { text, error: undefined, ended: 'complete' };
}

/** What a faulty upstream does to a request it fails. */
export type FaultAction = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/** Which requests a faulty upstream fails: the next `failNext`, or every one while `failAlways`. */
class FaultSchedule {
  fault: FaultAction | undefined;
  failNext = 0;
  failAlways = false;

  set(fault: FaultAction, times: number): void {
    this.fault = fault;
    this.failAlways = times === Infinity;
    this.failNext = times === Infinity ? 0 : times;
  }

  /** The fault for this request, if it is one to fail. */
  take(): FaultAction | undefined {
    if (this.fault === undefined || (!this.failAlways && this.failNext === 0)) return undefined;
    if (!this.failAlways) this.failNext--;
    return this.fault;
  }
}

/**
 * An OpenAI-compatible upstream that fails its next requests with a fault
 * (`failWith(fault, times)`, Infinity: every one), then answers normally.
 * `served` counts the requests it answered normally.
 */
export class FaultyOpenAI extends FakeOpenAI {
  readonly schedule = new FaultSchedule();
  served = 0;

  get fault(): FaultAction | undefined {
    return this.schedule.fault;
  }

  failWith(fault: FaultAction, times = 1): void {
    this.schedule.set(fault, times);
  }

  heal(): void {
    this.schedule.set(() => {}, 0);
  }

  protected override answer(req: RecordedRequest, res: ServerResponse): void | Promise<void> {
    const fault = this.schedule.take();
    if (fault !== undefined) return fault(req, res);
    this.served++;
    return super.answer(req, res);
  }
}

/** The same, speaking Anthropic Messages. */
export class FaultyAnthropic extends FakeAnthropic {
  readonly schedule = new FaultSchedule();

  failWith(fault: FaultAction, times = 1): void {
    this.schedule.set(fault, times);
  }

  protected override answer(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const fault = req.path.endsWith('/messages') ? this.schedule.take() : undefined;
    if (fault !== undefined) return Promise.resolve(fault(req, res));
    return super.answer(req, res);
  }
}

/** An OpenAI error body with `status`. */
export function statusFault(status: number, headers: Record<string, string> = {}, message = `upstream says ${status}`): FaultAction {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null } }));
  };
}
