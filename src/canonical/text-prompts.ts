import type { ChatRequest } from './request.js';

/** One prompt of a text completion: a text, or token ids of the backend's own vocabulary. */
export type TextPrompt = string | number[];

/**
 * The prompts of a text completion, one per entry: a string or a token
 * array is one prompt, an array of strings or of token arrays is several
 * (OpenAI's `prompt`). Choice `i·n + j` belongs to prompt `i`.
 */
export function textPrompts(completion: NonNullable<ChatRequest['textCompletion']>): TextPrompt[] {
  const p = completion.prompt;
  if (typeof p === 'string') return [p];
  if (p.length > 0 && typeof p[0] === 'number') return [p as number[]];
  return p as string[] | number[][];
}
