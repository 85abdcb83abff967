import { LinguaError } from '../../canonical/index.js';
import { envelopeFailure } from './envelope-failure.js';

type Json = Record<string, unknown>;

/**
 * The `chat.completion` inside a 2xx answer: `data` of `{success: true,
 * …}`. `{success: false, …}` is a failure whatever the HTTP status (a
 * thrown LinguaError from its code); a plain completion (no `success`, with
 * `choices`) is taken as it is, for servers that envelope only some answers.
 */
export function unwrapEnvelope(body: unknown, provider: string, httpStatus: number, retryAfter?: number): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new LinguaError('upstream', `upstream provider '${provider}' answered with JSON that is not an object`);
  }
  const envelope = body as Json;
  if (envelope.success === true) {
    if (typeof envelope.data === 'object' && envelope.data !== null) return envelope.data;
    throw new LinguaError('upstream', `upstream provider '${provider}' answered success without data`);
  }
  if (envelope.success === false || isFailureWithoutFlag(envelope)) throw envelopeFailure(provider, envelope, httpStatus, retryAfter);
  if (Array.isArray(envelope.choices)) return envelope;
  throw new LinguaError('upstream', `upstream provider '${provider}' answered with neither an envelope nor a completion`);
}

/** `{code: "429", message}` without `success` (or `{error: {…}}`): a failure all the same. */
function isFailureWithoutFlag(envelope: Json): boolean {
  if (envelope.error !== undefined && envelope.error !== null) return true;
  return !('success' in envelope) && !('choices' in envelope) && (envelope.data === undefined || envelope.data === null) && typeof envelope.message === 'string';
}
