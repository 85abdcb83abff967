import { bool, f32, str, u32, type GgufFile, type GgufTensor } from './gguf-writer.js';
import type { SpmVocab } from './spm-vocab.js';

/** The shape of a generated llama-architecture model. */
export interface LlamaShape {
  embedding: number;
  layers: number;
  feedForward: number;
  heads: number;
  contextLength: number;
}

/** One weight tensor of the model, by its GGUF name and ggml dims. */
export interface WeightSlot {
  name: string;
  dims: readonly [number] | readonly [number, number];
}

/** Chooses the values of every weight tensor. */
export type WeightSource = (slot: WeightSlot) => Float32Array;

/** The weight tensors llama.cpp expects of a llama model, in file order. */
export function llamaWeightSlots(shape: LlamaShape, vocabSize: number): WeightSlot[] {
  const d = shape.embedding;
  const slots: WeightSlot[] = [{ name: 'token_embd.weight', dims: [d, vocabSize] }];
  for (let i = 0; i < shape.layers; i++) {
    slots.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [d] },
      { name: `blk.${i}.attn_q.weight`, dims: [d, d] },
      { name: `blk.${i}.attn_k.weight`, dims: [d, d] },
      { name: `blk.${i}.attn_v.weight`, dims: [d, d] },
      { name: `blk.${i}.attn_output.weight`, dims: [d, d] },
      { name: `blk.${i}.ffn_norm.weight`, dims: [d] },
      { name: `blk.${i}.ffn_gate.weight`, dims: [d, shape.feedForward] },
      { name: `blk.${i}.ffn_up.weight`, dims: [d, shape.feedForward] },
      { name: `blk.${i}.ffn_down.weight`, dims: [shape.feedForward, d] },
    );
  }
  slots.push({ name: 'output_norm.weight', dims: [d] }, { name: 'output.weight', dims: [d, vocabSize] });
  return slots;
}

/** Parameters of a model of this shape. */
export function parameterCount(shape: LlamaShape, vocabSize: number): number {
  return llamaWeightSlots(shape, vocabSize).reduce((n, s) => n + s.dims.reduce((a, b) => a * b, 1), 0);
}

/** A complete GGUF file: llama hyper-parameters, the SPM vocabulary, a chat template and the weights. */
export function llamaGguf(options: { name: string; shape: LlamaShape; vocab: SpmVocab; chatTemplate: string; weights: WeightSource }): GgufFile {
  const { shape, vocab } = options;
  if (shape.embedding % shape.heads !== 0) throw new Error('embedding must be a multiple of heads');
  const metadata = [
    ['general.architecture', str('llama')],
    ['general.name', str(options.name)],
    ['general.file_type', u32(0)], // all F32
    ['llama.context_length', u32(shape.contextLength)],
    ['llama.embedding_length', u32(shape.embedding)],
    ['llama.block_count', u32(shape.layers)],
    ['llama.feed_forward_length', u32(shape.feedForward)],
    ['llama.attention.head_count', u32(shape.heads)],
    ['llama.attention.head_count_kv', u32(shape.heads)],
    ['llama.attention.layer_norm_rms_epsilon', f32(1e-5)],
    ['llama.rope.dimension_count', u32(shape.embedding / shape.heads)],
    ['llama.rope.freq_base', f32(10000)],
    ['tokenizer.ggml.model', str('llama')],
    ['tokenizer.ggml.tokens', { type: 'strings', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unk)],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bos)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eos)],
    ['tokenizer.ggml.add_bos_token', bool(false)],
    ['tokenizer.ggml.add_eos_token', bool(false)],
    // No "▁" in front of each text fragment: a prompt tokenizes the same whole or in pieces.
    ['tokenizer.ggml.add_space_prefix', bool(false)],
    ['tokenizer.chat_template', str(options.chatTemplate)],
  ] as const;
  const tensors: GgufTensor[] = llamaWeightSlots(shape, vocab.size).map((slot) => ({
    name: slot.name,
    dims: slot.dims,
    data: () => options.weights(slot),
  }));
  return { metadata, tensors };
}
