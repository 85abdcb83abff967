import { invalidRequest, LinguaError } from '../../canonical/index.js';
import type { Token } from 'node-llama-cpp';

/** What a prompt is called in messages and `param`: chat's messages, or a text completion's prompt. */
export type PromptField = 'messages' | 'prompt';

/** Limits of one model's context, for fitting a prompt and its completion into it. */
export interface ContextLimits {
  contextSize: number;
  /** A `max_tokens` beyond the room the prompt leaves is lowered to it (else a 400). */
  clampMaxTokens: boolean;
}

/**
 * The tokens a completion may generate after a prompt of `promptTokens`:
 * `maxTokens`, or all the room left when unset (or when it is larger and
 * the model clamps); a prompt that leaves no room, or a `maxTokens` beyond
 * it unclamped, is a 400 `context_length_exceeded`.
 */
export function completionRoom(limits: ContextLimits, promptTokens: number, maxTokens: number | undefined, field: PromptField): number {
  const room = limits.contextSize - promptTokens;
  const overflows = maxTokens !== undefined && maxTokens > room;
  if (room < 1 || (overflows && !limits.clampMaxTokens)) throw contextExceeded(limits.contextSize, promptTokens, maxTokens, field);
  return overflows ? room : maxTokens ?? room;
}

export function promptTooLong(contextSize: number, chars: number, field: PromptField): LinguaError {
  return new LinguaError('invalid_request', `This model's maximum context length is ${contextSize} tokens, and your ${field} (${chars} characters) ${field === 'prompt' ? 'is' : 'are'} longer than that many tokens can hold. Please reduce the length of the ${field}.`, { code: 'context_length_exceeded', param: field });
}

export function contextExceeded(contextSize: number, prompt: number, maxTokens: number | undefined, field: PromptField): LinguaError {
  const message = maxTokens === undefined
    ? `This model's maximum context length is ${contextSize} tokens. However, your ${field} resulted in ${prompt} tokens. Please reduce the length of the ${field}.`
    : `This model's maximum context length is ${contextSize} tokens. However, you requested ${prompt + maxTokens} tokens (${prompt} in the ${field}, ${maxTokens} in the completion). Please reduce the length of the ${field} or completion.`;
  return invalidRequest(message, field, 'context_length_exceeded');
}

/** Tokens at the start of `b` that the sequence already holds (`a`): the prompt's cached part. */
export function commonPrefix(a: readonly Token[], b: readonly Token[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
