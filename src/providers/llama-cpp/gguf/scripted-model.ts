import { chatmlTemplate } from './chatml-template.js';
import { type GgufFile } from './gguf-writer.js';
import { llamaGguf, type LlamaShape, type WeightSlot } from './llama-gguf.js';
import { SPACE, SpmVocab } from './spm-vocab.js';

/**
 * A deterministic model: whatever the prompt, it answers `script` and then
 * ends its turn, through the real engine. Each word of `script` is one
 * token (the spaces in front), so the answer streams word by word.
 */
export function scriptedModel(script: string, name = 'lingua-scripted'): GgufFile {
  return scriptedTokensModel(script.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`)), { name });
}

export interface ScriptedTokensOptions {
  name?: string;
  /** The context length the GGUF declares (default 4096): long prompts, such as a coding agent's, need more. */
  contextLength?: number;
}

/**
 * A deterministic model that answers `tokens`, one generated token each, in
 * order, then ends its turn: where a token's boundaries matter (a tool call
 * in the template's syntax, which the engine parses with a grammar per
 * part), the script gives them exactly. Every layer is zero (the residual
 * stream is just the last token's embedding), each script token has its
 * own embedding direction, and the output projection is a bigram table:
 * after any token that is not in the script comes the first one, after
 * token i comes token i+1, after the last the end-of-turn token. The logit
 * margin is wide enough to hold at any temperature.
 */
export function scriptedTokensModel(tokens: readonly string[], options: ScriptedTokensOptions = {}): GgufFile {
  const vocab = new SpmVocab();
  // Every token is reachable by the tokenizer through its prefixes: when node-llama-cpp detects a
  // tool call's prefix it re-tokenizes that text, and the state must then still be the script's.
  const ids = tokens.map((t) => vocab.addWord(spm(t)));
  const seen = new Set<number>();
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) throw new Error(`scripted model: the token '${tokens[i]}' occurs twice; every token must be unique`);
    seen.add(id);
  }
  const embedding = Math.max(64, Math.ceil((tokens.length + 2) / 32) * 32);
  const shape: LlamaShape = { embedding, layers: 1, feedForward: embedding * 2, heads: embedding / 32, contextLength: options.contextLength ?? 4096 };
  // Direction 0 is the state "not in the script"; token i has direction i + 1.
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
  return llamaGguf({ name: options.name ?? 'lingua-scripted', shape, vocab, chatTemplate: chatmlTemplate, weights });
}

/** A piece as the SPM vocabulary writes it: spaces as `▁`. */
function spm(text: string): string {
  return text.replaceAll(' ', SPACE);
}
