import type { ChatRequest, Message } from '../canonical/index.js';

/**
 * Lingua's token estimate, used where a backend cannot count (the
 * `provider.countTokens` hook is absent): for `count_tokens`, for the input
 * tokens of Anthropic's `message_start`, and for usage a backend left out.
 *
 * The method, on purpose simple and on the high side (an over-estimate makes
 * a client compact its context early; an under-estimate overflows it):
 * - text: one token per 4 ASCII characters (rounded up), plus one token per
 *   other character (CJK text is about one token a character; accented
 *   Latin is over-counted);
 * - every message: 4 tokens of role framing, plus 3 for the whole prompt;
 * - tool definitions: their name, description and JSON schema as text;
 *   tool calls: name and arguments; tool results: their text;
 * - an image: 1,600 tokens (what Anthropic charges for an image near its
 *   1.15-megapixel limit; the size is not known without decoding it).
 */
export function estimateInputTokens(request: Pick<ChatRequest, 'messages' | 'tools'>): number {
  let tokens = 3;
  for (const m of request.messages) tokens += 4 + messageTokens(m);
  for (const t of request.tools ?? []) {
    tokens += estimateTextTokens(t.name) + estimateTextTokens(t.description ?? '') + estimateTextTokens(JSON.stringify(t.parameters));
  }
  return tokens;
}

export const IMAGE_TOKENS = 1600;

/** The estimate for one text: ⌈ASCII characters / 4⌉ + other characters. */
export function estimateTextTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4) + other;
}

function messageTokens(m: Message): number {
  let tokens = 0;
  for (const part of m.content) {
    switch (part.type) {
      case 'text': tokens += estimateTextTokens(part.text); break;
      case 'image': tokens += IMAGE_TOKENS; break;
      case 'reasoning': tokens += estimateTextTokens(part.text) + estimateTextTokens(part.redacted ?? ''); break;
      case 'tool_call': tokens += estimateTextTokens(part.name) + estimateTextTokens(part.arguments); break;
      case 'tool_result':
        if (typeof part.content === 'string') tokens += estimateTextTokens(part.content);
        else for (const p of part.content) tokens += p.type === 'text' ? estimateTextTokens(p.text) : IMAGE_TOKENS;
        break;
    }
  }
  return tokens;
}
