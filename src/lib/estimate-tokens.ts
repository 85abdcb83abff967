import type { ChatRequest, FilePart, Message, NativePart } from '../canonical/index.js';

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

/**
 * The estimate for one text: ⌈ASCII characters / 4⌉ + other characters (a
 * surrogate pair is one character).
 */
export function estimateTextTokens(text: string): number {
  const count = new TextTokenCount();
  count.add(text);
  return count.tokens;
}

/**
 * `estimateTextTokens` of a text that arrives in pieces (a stream's
 * output), without keeping the text: the same figure as for the pieces
 * joined, a surrogate pair split between two pieces included.
 */
export class TextTokenCount {
  #ascii = 0;
  #other = 0;
  /** The last piece ended with the high half of a pair whose low half may open the next. */
  #openPair = false;

  add(text: string): void {
    if (text === '') return;
    let i = 0;
    if (this.#openPair && isLowSurrogate(text.charCodeAt(0))) i = 1;
    this.#openPair = false;
    // Pure ASCII is the common case: found by a regex scan, far faster than a loop.
    const first = text.slice(i).search(NON_ASCII);
    if (first === -1) {
      this.#ascii += text.length - i;
      return;
    }
    this.#ascii += first;
    // Read by char code: iterating the string builds a string per character (~5x slower on a long text).
    for (i += first; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        this.#ascii++;
        continue;
      }
      this.#other++;
      if (c >= 0xd800 && c <= 0xdbff) {
        if (i + 1 === text.length) this.#openPair = true;
        else if (isLowSurrogate(text.charCodeAt(i + 1))) i++;
      }
    }
  }

  get tokens(): number {
    return Math.ceil(this.#ascii / 4) + this.#other;
  }
}

const NON_ASCII = /[^\x00-\x7f]/;

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * A document or a block Lingua does not model: its text as text, anything
 * else by its size as sent (a PDF's base64 overcounts what the backend
 * reads, which is the safe side for admission).
 */
function blockTokens(p: FilePart | NativePart): number {
  if (p.type === 'file' && p.source.type === 'text') return estimateTextTokens(p.source.text);
  return Math.ceil(JSON.stringify(p.type === 'file' ? p.source : p.native.block).length / 4);
}

function messageTokens(m: Message): number {
  let tokens = 0;
  for (const part of m.content) {
    switch (part.type) {
      case 'text': tokens += estimateTextTokens(part.text); break;
      case 'image': tokens += IMAGE_TOKENS; break;
      case 'file':
      case 'native': tokens += blockTokens(part); break;
      case 'reasoning': tokens += estimateTextTokens(part.text) + estimateTextTokens(part.redacted ?? ''); break;
      case 'tool_call': tokens += estimateTextTokens(part.name) + estimateTextTokens(part.arguments); break;
      case 'tool_result':
        if (typeof part.content === 'string') tokens += estimateTextTokens(part.content);
        else for (const p of part.content) tokens += p.type === 'text' ? estimateTextTokens(p.text) : p.type === 'image' ? IMAGE_TOKENS : blockTokens(p);
        break;
    }
  }
  return tokens;
}
