import type { ChatRequest, ChatResult, LinguaError, StreamEvent } from '../../canonical/index.js';
import { bearerToken } from '../../lib/bearer-token.js';
import { randomId } from '../../lib/ids.js';
import type { ChatProtocol, Endpoint, StreamEncoder } from '../contract.js';
import { openAIFinishReason, openAIUsage } from '../openai/encode-common.js';
import { openAIRateLimitHeaders } from '../openai/rate-limit-headers.js';
import { renderOpenAIError } from '../openai/render-error.js';
import { textPrompts } from '../../canonical/text-prompts.js';
import { decodeCompletion } from './decode.js';
import { joinLogprobs, logprobsValue } from './logprobs.js';

/**
 * What `echo` puts before a choice's text: its prompt. Choice `index` of a
 * prompt array belongs to prompt `index / n` (OpenAI's order: each prompt's
 * n choices together).
 */
function echoed(request: ChatRequest, index: number): string {
  const t = request.textCompletion;
  if (t?.echo !== true) return '';
  // Echo takes text prompts only (decode.ts).
  const prompt = textPrompts(t)[Math.floor(index / request.n)];
  return typeof prompt === 'string' ? prompt : '';
}

/** A folded result as a `text_completion` object. */
function encodeResult(result: ChatResult, request: ChatRequest): unknown {
  return {
    id: randomId('cmpl-'),
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: result.choices.map((c, index) => ({ text: echoed(request, index) + c.text, index, logprobs: joinLogprobs(c.logprobs), finish_reason: openAIFinishReason(c.finish.reason) })),
    ...(result.usage === undefined ? {} : { usage: openAIUsage(result.usage) }),
  };
}

/** `data: {object: "text_completion", choices: [{text, index, logprobs, finish_reason}]}` chunks, then `data: [DONE]`. */
class CompletionStreamEncoder implements StreamEncoder {
  readonly #head: { id: string; object: string; created: number; model: string };
  readonly #request: ChatRequest;
  readonly #echoed = new Set<number>();
  constructor(request: ChatRequest) {
    this.#request = request;
    this.#head = { id: randomId('cmpl-'), object: 'text_completion', created: Math.floor(Date.now() / 1000), model: request.model };
  }
  start(): string { return ''; }
  #choice(index: number, text: string, finish: string | null, logprobs: unknown = null): string {
    let prefix = '';
    if (!this.#echoed.has(index)) { this.#echoed.add(index); prefix = echoed(this.#request, index); }
    return `data: ${JSON.stringify({ ...this.#head, choices: [{ text: prefix + text, index, logprobs, finish_reason: finish }] })}\n\n`;
  }
  event(e: StreamEvent): string {
    switch (e.type) {
      case 'text': return this.#choice(e.choice, e.text, null, logprobsValue(e.logprobs));
      case 'finish': return this.#choice(e.choice, '', openAIFinishReason(e.finish.reason));
      case 'usage': return this.#request.includeUsage ? `data: ${JSON.stringify({ ...this.#head, choices: [], usage: openAIUsage(e.usage) })}\n\n` : '';
      case 'error': return this.error(e.error);
      default: return '';
    }
  }
  end(): string { return 'data: [DONE]\n\n'; }
  error(error: LinguaError): string { return `data: ${JSON.stringify(renderOpenAIError(error).body)}\n\n`; }
  heartbeat(): string { return ': ping\n\n'; }
}

/** OpenAI's legacy text completions: Bearer keys, OpenAI's errors and rate-limit headers. */
export const completionsProtocol: ChatProtocol = {
  name: 'completions',
  apiKey: (headers) => bearerToken(headers.authorization),
  decode: decodeCompletion,
  encodeResult,
  streamEncoder: (request) => new CompletionStreamEncoder(request),
  renderError: renderOpenAIError,
  rateLimitHeaders: openAIRateLimitHeaders,
};

/** `POST /v1/completions`. */
export const completionsEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/v1/completions', name: 'completions', protocol: completionsProtocol },
];
