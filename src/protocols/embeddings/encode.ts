import type { EmbedResult } from '../../canonical/index.js';

/** A vector as OpenAI's base64: little-endian float32s. */
export function base64Vector(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}

/** The `list` of `embedding` objects OpenAI answers with. */
export function encodeEmbeddings(result: Required<EmbedResult>, model: string, format: 'float' | 'base64') {
  return {
    object: 'list',
    data: result.vectors.map((v, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? base64Vector(v) : v })),
    model,
    usage: { prompt_tokens: result.inputTokens, total_tokens: result.inputTokens },
  };
}
