import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedLlama } from '../../src/providers/llama-cpp/engine.js';
import { writeGguf, type GgufFile } from '../../src/providers/llama-cpp/gguf/gguf-writer.js';
import { randomModel } from '../../src/providers/llama-cpp/gguf/random-model.js';
import { scriptedModel } from '../../src/providers/llama-cpp/gguf/scripted-model.js';

/** What the scripted test model answers to anything. */
export const SCRIPT = 'Hello! I am the scripted test model of Lingua; nothing else is said here.';
/** Its tokens: one per word, the spaces in front. */
export const SCRIPT_TOKENS = SCRIPT.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
/** Tokens it generates for one answer: the words and its end-of-turn token. */
export const SCRIPT_COMPLETION_TOKENS = SCRIPT_TOKENS.length + 1;

/** The id of a piece in a generated model's vocabulary. */
export function pieceId(file: GgufFile, piece: string): number {
  const tokens = file.metadata.find(([key]) => key === 'tokenizer.ggml.tokens')?.[1];
  const id = tokens?.type === 'strings' ? tokens.value.indexOf(piece) : -1;
  if (id < 0) throw new Error(`no piece '${piece}' in the vocabulary`);
  return id;
}

export interface TestModels {
  dir: string;
  scripted: string;
  random: string;
  remove(): Promise<void>;
}

/** Generates the tiny test models into a fresh temporary directory. */
export async function generateTestModels(): Promise<TestModels> {
  const dir = await mkdtemp(join(tmpdir(), 'lingua-llama-'));
  const scripted = join(dir, 'scripted.gguf');
  const random = join(dir, 'random.gguf');
  await writeGguf(scripted, scriptedModel(SCRIPT));
  await writeGguf(random, randomModel({ embedding: 64, layers: 2, feedForward: 128, heads: 2, contextLength: 8192, vocabSize: 600, seed: 7 }));
  return { dir, scripted, random, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Tokens of `text` (special tokens such as `<|im_start|>` included) by the
 * model's tokenizer, loaded directly: an independent count to hold usage to.
 */
export async function countTokens(modelPath: string, text: string): Promise<number> {
  const llama = await sharedLlama();
  const model = await llama.loadModel({ modelPath });
  try {
    return model.tokenize(text, true).length;
  } finally {
    await model.dispose();
  }
}
