import type { LinguaError } from '../../canonical/index.js';
import type { RenderedError } from '../contract.js';

export interface EnvelopeFailure {
  success: false;
  /** The HTTP status, as a string. */
  code: string;
  message: string;
  data: null;
}

/** A LinguaError as seed 002's failure envelope, sent with the error's own HTTP status. */
export function renderEnvelopeError(error: LinguaError): RenderedError {
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfter)));
  const body: EnvelopeFailure = { success: false, code: String(error.status), message: error.message, data: null };
  return { status: error.status, headers, body };
}
