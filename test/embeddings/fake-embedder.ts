import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from '../support/fake-upstream.js';

/**
 * A vector for one input that the test can compute again: `dimensions`
 * numbers (default 4) drawn from the input's characters or token ids,
 * with a fraction, so that float32 rounding shows if base64 were mishandled.
 */
export function fakeVector(input: string | number[], dimensions = 4): number[] {
  const codes = typeof input === 'string' ? [...input].map((c) => c.codePointAt(0)!) : input;
  return Array.from({ length: dimensions }, (_, i) => codes.reduce((sum, c, k) => sum + c * (k + i + 1), 0) / 8 + 0.125);
}

/**
 * OpenAI's `POST /v1/embeddings` as an upstream answers it: one embedding
 * per input (floats, or base64 little-endian float32 when asked), its
 * `usage` one prompt token per character or token id.
 */
export function answerEmbeddings(req: RecordedRequest, res: ServerResponse): void {
  const { input, encoding_format: format, dimensions, model } = req.body as { input: unknown; encoding_format?: string; dimensions?: number; model: string };
  const inputs: Array<string | number[]> = typeof input === 'string' ? [input]
    : Array.isArray(input) && typeof input[0] === 'number' ? [input as number[]]
    : input as Array<string | number[]>;
  const vectors = inputs.map((i) => fakeVector(i, dimensions));
  const data = vectors.map((v, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? float32Base64(v) : v }));
  const tokens = inputs.reduce((n, i) => n + i.length, 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  // Listed last-first: the index, not the order, says which input each is for.
  res.end(JSON.stringify({ object: 'list', data: data.reverse(), model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
}

export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}

/** A vector as float32 would carry it. */
export function asFloat32(vector: readonly number[]): number[] {
  return Array.from(Float32Array.from(vector));
}
