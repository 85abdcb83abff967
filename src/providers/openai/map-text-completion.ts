import type { ChatRequest, PassThroughLogprobs, StreamEvent } from '../../canonical/index.js';
import { completionToEvents } from './map-response.js';
import type { OpenAIStreamMapper } from './map-stream.js';

type Json = Record<string, unknown>;

/**
 * A text completion (`request.textCompletion`) as an OpenAI `/v1/completions`
 * body: the raw prompt and suffix, the sampling fields, and every field the
 * client sent that Lingua does not model (`extra`), as they came.
 */
export function toTextCompletionBody(req: ChatRequest, model: string): Json {
  const completion = req.textCompletion!;
  const body: Json = { ...req.extra, model, prompt: completion.prompt };
  if (completion.suffix !== undefined) body.suffix = completion.suffix;
  if (completion.logprobs !== undefined) body.logprobs = completion.logprobs;
  if (req.stream) {
    body.stream = true;
    // Always ask for usage: billing needs it even when the client did not.
    body.stream_options = { include_usage: true };
  }
  if (req.n !== 1) body.n = req.n;
  if (req.maxTokens !== undefined) body.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop !== undefined) body.stop = req.stop;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.logitBias !== undefined) body.logit_bias = req.logitBias;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.user !== undefined) body.user = req.user;
  return body;
}

/** A whole `text_completion` body as canonical events, each choice's `logprobs` on its text. */
export function textCompletionToEvents(body: unknown, provider: string): StreamEvent[] {
  const events = completionToEvents(asChatShape(body, false), provider);
  attachLogprobs(body, events, 0);
  return events;
}

/** One `text_completion` stream chunk through the chat stream mapper, the chunk's `logprobs` on its text. */
export function pushTextChunk(mapper: OpenAIStreamMapper, chunk: Json, out: StreamEvent[]): void {
  const from = out.length;
  mapper.push(asChatShape(chunk, true) as Json, out);
  attachLogprobs(chunk, out, from);
}

/**
 * Puts each choice's `logprobs` (OpenAI's object, untouched) on that
 * choice's text event among `events[from..]`; logprobs without text (an
 * empty token) get an empty text event before the choice's finish.
 */
function attachLogprobs(body: unknown, events: StreamEvent[], from: number): void {
  const choices = (body as Json | null)?.choices;
  if (!Array.isArray(choices)) return;
  choices.forEach((raw: Json, position) => {
    if (raw.logprobs == null) return;
    const choice = typeof raw.index === 'number' ? raw.index : position;
    const logprobs: PassThroughLogprobs = { format: 'openai-completions', value: raw.logprobs };
    const at = (type: StreamEvent['type']) => events.findIndex((e, i) => i >= from && e.type === type && 'choice' in e && e.choice === choice);
    const text = at('text');
    if (text >= 0) {
      events[text] = { ...(events[text] as Extract<StreamEvent, { type: 'text' }>), logprobs };
      return;
    }
    const finish = at('finish');
    events.splice(finish >= 0 ? finish : events.length, 0, { type: 'text', choice, text: '', logprobs });
  });
}

/**
 * A `text_completion` body or stream chunk in the chat shape the chat
 * mappers read: each choice's `text` as the message's (or delta's) content.
 */
export function asChatShape(body: unknown, stream: boolean): unknown {
  const choices = (body as Json | null)?.choices;
  if (!Array.isArray(choices)) return body;
  return {
    ...(body as Json),
    choices: choices.map((c: Json) => {
      const { text, ...rest } = c;
      const content = typeof text === 'string' ? text : undefined;
      return stream ? { ...rest, delta: { content } } : { ...rest, message: { role: 'assistant', content } };
    }),
  };
}
