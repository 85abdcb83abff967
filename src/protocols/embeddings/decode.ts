import { z } from 'zod';
import { invalidRequest, type EmbedRequest } from '../../canonical/index.js';
import { validationError } from '../../lib/validation-error.js';

/** OpenAI's bound: at most 2048 inputs per request. */
const MAX_INPUTS = 2048;
const MAX_TEXT_CHARS = 1_000_000;
const tokenId = z.int().min(0);

const embeddingsRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([
    z.string().max(MAX_TEXT_CHARS),
    z.array(z.string().max(MAX_TEXT_CHARS)).min(1).max(MAX_INPUTS),
    z.array(tokenId).min(1).max(MAX_TEXT_CHARS),
    z.array(z.array(tokenId).min(1).max(MAX_TEXT_CHARS)).min(1).max(MAX_INPUTS),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.int().min(1).optional(),
  user: z.string().optional(),
}).strict();

/** An OpenAI embeddings body as an EmbedRequest; bad input throws a 400 naming the field. */
export function decodeEmbeddingsRequest(body: unknown): EmbedRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', undefined, 'invalid_request_error');
  }
  const raw = (body as { input?: unknown }).input;
  if (Array.isArray(raw) && raw.length === 0) throw invalidRequest("Invalid 'input': it must not be empty.", 'input', 'invalid_request_error');
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error);
  const r = parsed.data;
  const input: EmbedRequest['input'] = typeof r.input === 'string' ? { kind: 'text', texts: [r.input] }
    : isStrings(r.input) ? { kind: 'text', texts: r.input }
    : isTokens(r.input) ? { kind: 'tokens', tokens: [r.input] }
    : { kind: 'tokens', tokens: r.input };
  const single = typeof r.input === 'string' || isTokens(r.input);
  const request: EmbedRequest = { model: r.model, input, single, encodingFormat: r.encoding_format ?? 'float' };
  if (r.dimensions !== undefined) request.dimensions = r.dimensions;
  if (r.user !== undefined) request.user = r.user;
  return request;
}

function isStrings(a: readonly unknown[]): a is string[] {
  return typeof a[0] === 'string';
}

function isTokens(a: readonly unknown[]): a is number[] {
  return typeof a[0] === 'number';
}
