import { chatmlTemplate } from './chatml-template.js';
import { type GgufFile } from './gguf-writer.js';
import { llamaGguf, type LlamaShape, type WeightSlot } from './llama-gguf.js';
import { SPACE, SpmVocab } from './spm-vocab.js';

/**
 * A deterministic model: whatever the prompt, it answers `script` and then
 * ends its turn, through the real engine. Every layer is zero (the residual
 * stream is just the last token's embedding), each script word is one token
 * with its own embedding direction, and the output projection is a bigram
 * table: after any token that is not in the script comes the first word,
 * after word i comes word i+1, after the last word the end-of-turn token.
 * The logit margin is wide enough to hold at any temperature.
 */
export function scriptedModel(script: string, name = 'lingua-scripted'): GgufFile {
  const words = script.split(' ');
  const vocab = new SpmVocab();
  // The first word has no leading space, so the answer is exactly `script`.
  const ids = words.map((w, i) => (i === 0 ? vocab.addPiece(w) : vocab.addWord(SPACE + w)));
  const seen = new Set<number>();
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) throw new Error(`scripted model: the word '${words[i]}' occurs twice; every word must be unique`);
    seen.add(id);
  }
  const embedding = Math.max(64, Math.ceil((words.length + 2) / 32) * 32);
  const shape: LlamaShape = { embedding, layers: 1, feedForward: embedding * 2, heads: embedding / 32, contextLength: 4096 };
  // Direction 0 is the state "not in the script"; word i has direction i + 1.
  const direction = new Map(ids.map((id, i) => [id, i + 1]));
  const next = [...ids, vocab.eos];
  const margin = 10;

  const weights = (slot: WeightSlot): Float32Array => {
    const [width, rows = 1] = slot.dims;
    const data = new Float32Array(width * rows);
    if (slot.name === 'token_embd.weight') {
      for (let t = 0; t < rows; t++) data[t * width + (direction.get(t) ?? 0)] = 1;
    } else if (slot.name === 'output.weight') {
      next.forEach((token, state) => { data[token * width + state] = margin; });
    } else if (slot.name.endsWith('norm.weight')) {
      data.fill(1);
    }
    return data;
  };
  return llamaGguf({ name, shape, vocab, chatTemplate: chatmlTemplate, weights });
}
