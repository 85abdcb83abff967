import type { ChatRequest } from '../../canonical/index.js';

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
