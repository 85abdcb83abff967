import { chatmlTemplate } from './chatml-template.js';
import { type GgufFile } from './gguf-writer.js';
import { llamaGguf, type LlamaShape, type WeightSlot } from './llama-gguf.js';
import { SPACE, SpmVocab } from './spm-vocab.js';

export interface RandomModelOptions extends LlamaShape {
  /** Tokens in the vocabulary (at least ~400: controls, bytes, ASCII). */
  vocabSize: number;
  seed?: number;
  name?: string;
}

/**
 * A model with random weights: it writes gibberish of printable ASCII
 * pieces for as long as it is let, never ending its turn by itself. For
 * length, abort, grammar and throughput tests. Residual direction 0 holds
 * a constant (no layer writes to it), and the output projection reads it
 * to push control and byte tokens far down.
 */
export function randomModel(options: RandomModelOptions): GgufFile {
  const vocab = new SpmVocab();
  for (let i = 0; vocab.size < options.vocabSize; i++) vocab.addWord((i % 2 === 0 ? SPACE : '') + letters(26 + (i >> 1)));
  const { embedding } = options;
  const random = mulberry32(options.seed ?? 1);
  const suppressed = new Set(vocab.types.flatMap((type, id) => (type === 1 ? [] : [id])));
  const constant = 4;

  const weights = (slot: WeightSlot): Float32Array => {
    const [width, rows = 1] = slot.dims;
    const data = new Float32Array(width * rows);
    if (slot.name.endsWith('norm.weight')) return data.fill(1);
    const scale = slot.name === 'token_embd.weight' ? 1 : Math.sqrt(3 / width);
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
    if (slot.name === 'token_embd.weight') {
      for (let t = 0; t < rows; t++) data[t * width] = constant;
    } else if (slot.name.endsWith('attn_output.weight') || slot.name.endsWith('ffn_down.weight')) {
      data.fill(0, 0, width); // nothing writes to direction 0
    } else if (slot.name === 'output.weight') {
      for (let t = 0; t < rows; t++) data[t * width] = suppressed.has(t) ? -50 : 0;
    }
    return data;
  };
  const shape: LlamaShape = { embedding, layers: options.layers, feedForward: options.feedForward, heads: options.heads, contextLength: options.contextLength };
  return llamaGguf({ name: options.name ?? 'lingua-random', shape, vocab, chatTemplate: chatmlTemplate, weights });
}

/** `n` written in base 26 with the letters a–z. */
function letters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor(k / 26)) {
    k -= 1;
    s = String.fromCharCode(97 + (k % 26)) + s;
  }
  return s;
}

/** A small seeded PRNG: the same seed gives the same model (and tests a reproducible run). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
