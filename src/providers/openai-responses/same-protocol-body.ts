import type { ChatRequest, ResponsesRequestPassthrough } from '../../canonical/index.js';

/**
 * The Responses client's request for the lossless path: the client's body
 * and the conversation its protocol made (passthrough.ts), while the
 * request still holds the messages made with it (a stage that rewrote the
 * prompt makes the request translated instead). Undefined otherwise.
 */
export function sameProtocolRequest(req: ChatRequest): (ResponsesRequestPassthrough & { input: string | readonly unknown[] }) | undefined {
  const p = req.passthrough;
  if (p?.protocol !== 'responses' || p.input === undefined || p.messages !== req.messages) return undefined;
  return p as ResponsesRequestPassthrough & { input: string | readonly unknown[] };
}

/** Fields Lingua answers for itself: state (it keeps it), the stream (every call streams upstream). */
const ownFields = new Set(['model', 'input', 'stream', 'store', 'previous_response_id']);

/**
 * A Responses client's body as its Responses upstream is sent it: as the
 * client wrote it, bar the model id (the backend's), `input` (the whole
 * conversation, previous_response_id and item references resolved, Lingua's
 * sealed reasoning opened: protocols/responses/upstream-input.ts),
 * `stream: true` and `store: false` (as on the translating path), and
 * `include` with `reasoning.encrypted_content` added when the provider asks
 * for it (so that Lingua can give the reasoning back on the next turn).
 */
export function sameProtocolBody(p: ResponsesRequestPassthrough & { input: string | readonly unknown[] }, model: string, encryptedReasoning: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model };
  for (const [key, value] of Object.entries(p.body)) if (!ownFields.has(key)) body[key] = value;
  body.input = p.input;
  body.stream = true;
  body.store = false;
  if (encryptedReasoning) {
    const include = Array.isArray(body.include) ? body.include as unknown[] : [];
    if (!include.includes('reasoning.encrypted_content')) body.include = [...include, 'reasoning.encrypted_content'];
  }
  // Meaningful only on a stream the client reads itself; every call streams here.
  if (body.stream_options == null) delete body.stream_options;
  return body;
}
