import { LinguaError, type EmbedRequest, type EmbedResult } from '../../canonical/index.js';

type Json = Record<string, unknown>;

/**
 * An embeddings request as an OpenAI `/v1/embeddings` body: the input in
 * the shape the client sent it (one value or a list), the backend's model
 * id, and the optional fields as given. The client's `encoding_format` is
 * asked of the upstream too (base64 is a quarter of the bytes of JSON floats).
 */
export function toEmbeddingsBody(request: EmbedRequest, model: string): Json {
  const { input } = request;
  const values: unknown[] = input.kind === 'text' ? input.texts : input.tokens;
  const body: Json = { model, input: request.single ? values[0] : values, encoding_format: request.encodingFormat };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (request.user !== undefined) body.user = request.user;
  return body;
}

/**
 * An upstream's `list` of `embedding` objects as vectors in input order
 * (by `index`), each a float array or base64 little-endian float32s, and
 * its `usage.prompt_tokens`. Anything else is the upstream's fault (502).
 */
export function fromEmbeddingsBody(body: unknown, expected: number, provider: string): EmbedResult {
  const data = (body as Json | null)?.data;
  if (!Array.isArray(data) || data.length !== expected) throw broken(provider, `${expected} embeddings were asked for, the answer has ${Array.isArray(data) ? data.length : 'no list of'} them`);
  const vectors: number[][] = new Array<number[]>(expected);
  data.forEach((item: unknown, at) => {
    const index = (item as Json | null)?.index ?? at;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || vectors[index] !== undefined) throw broken(provider, `embedding ${at} has a bad index`);
    vectors[index] = vectorOf((item as Json).embedding, provider);
  });
  const result: EmbedResult = { vectors };
  const tokens = ((body as Json).usage as Json | null | undefined)?.prompt_tokens;
  if (typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0) result.inputTokens = tokens;
  return result;
}

function vectorOf(embedding: unknown, provider: string): number[] {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.length % 4 !== 0) throw broken(provider, 'a base64 embedding is not a whole number of float32s');
    return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
  }
  if (Array.isArray(embedding) && embedding.every((x) => typeof x === 'number')) return embedding as number[];
  throw broken(provider, 'an embedding is neither a list of numbers nor base64');
}

function broken(provider: string, what: string): LinguaError {
  return new LinguaError('upstream', `upstream provider '${provider}' returned a broken embeddings answer: ${what}`, { code: 'upstream_bad_response' });
}
