import { u32, type GgufFile } from './gguf-writer.js';
import { randomModel, type RandomModelOptions } from './random-model.js';

/** llama.cpp's `LLAMA_POOLING_TYPE_MEAN`. */
const MEAN_POOLING = 1;

/**
 * A small embedding model for tests: the random llama model with mean
 * pooling declared (`llama.pooling_type`, which llama.cpp reads for any
 * architecture), so an embedding context averages its token vectors into
 * one of `embedding` dimensions. Its vectors mean nothing, but they are
 * the same for the same input and differ between inputs.
 */
export function embeddingModel(options: RandomModelOptions): GgufFile {
  const file = randomModel({ name: 'lingua-embedding', ...options });
  return { ...file, metadata: [...file.metadata, ['llama.pooling_type', u32(MEAN_POOLING)]] };
}
