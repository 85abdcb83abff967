import { LinguaError } from '../canonical/index.js';
import type { Logger } from '../lib/logger.js';

/** Anything thrown as a LinguaError; an unexpected error is logged and hidden behind a 500. */
export function asLinguaError(error: unknown, logger: Logger): LinguaError {
  if (error instanceof LinguaError) return error;
  logger.error({ err: error }, 'unexpected error');
  return new LinguaError('internal', 'The server had an error while processing your request.', { cause: error });
}
