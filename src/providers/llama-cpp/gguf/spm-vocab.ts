/**
 * A SentencePiece-style ("llama") vocabulary for generated models: the
 * control tokens, the 256 byte-fallback tokens `<0x00>`…`<0xFF>` that make
 * any text tokenizable, then text pieces. llama.cpp's SPM tokenizer starts
 * from single characters and merges neighbours whose concatenation is a
 * piece, so a word is reachable only through a chain of pieces: `addWord`
 * adds every prefix of it. Spaces are written `▁` (U+2581) inside pieces.
 */

/** llama.cpp token types. */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

export const SPACE = '\u2581';

export class SpmVocab {
  readonly tokens: string[] = [];
  readonly scores: number[] = [];
  readonly types: number[] = [];
  readonly #ids = new Map<string, number>();
  readonly unk: number;
  readonly bos: number;
  /** The end of a turn: ChatML's `<|im_end|>`, the model's end-of-sequence token. */
  readonly eos: number;

  constructor() {
    this.unk = this.#add('<unk>', UNKNOWN);
    this.bos = this.#add('<s>', CONTROL);
    this.#add('</s>', CONTROL);
    this.#add('<|im_start|>', CONTROL);
    this.eos = this.#add('<|im_end|>', CONTROL);
    for (let b = 0; b < 256; b++) this.#add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, BYTE);
    for (let c = 0x20; c < 0x7f; c++) this.addPiece(String.fromCharCode(c) === ' ' ? SPACE : String.fromCharCode(c));
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The id of a piece, adding it if new. */
  addPiece(piece: string): number {
    return this.#ids.get(piece) ?? this.#add(piece, NORMAL);
  }

  /** Adds `piece` and every prefix of it (so the tokenizer can reach it); returns its id. */
  addWord(piece: string): number {
    const chars = [...piece];
    let id = -1;
    for (let i = 1; i <= chars.length; i++) id = this.addPiece(chars.slice(0, i).join(''));
    return id;
  }

  id(piece: string): number | undefined {
    return this.#ids.get(piece);
  }

  #add(text: string, type: number): number {
    const id = this.tokens.length;
    this.tokens.push(text);
    // When two merges compete, the piece added first wins.
    this.scores.push(type === NORMAL ? -id : 0);
    this.types.push(type);
    this.#ids.set(text, id);
    return id;
  }
}
