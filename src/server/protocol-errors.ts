import type { FastifyError } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import { anthropicMessagesProtocol } from '../protocols/anthropic/protocol.js';
import type { ChatProtocol } from '../protocols/contract.js';
import { envelopeChatProtocol } from '../protocols/envelope/protocol.js';
import { openAIChatProtocol } from '../protocols/openai/protocol.js';

/** The protocol whose error shape a path answers in (a path no endpoint serves, too). */
export function protocolForPath(path: string): ChatProtocol {
  if (path.startsWith('/v1/messages')) return anthropicMessagesProtocol;
  if (path.startsWith('/api/v1/')) return envelopeChatProtocol;
  return openAIChatProtocol;
}

/** A Fastify-level error (bad JSON, body too large, bad URL) as a LinguaError, if it is one. */
export function fromFastify(error: unknown): LinguaError | undefined {
  if (error instanceof LinguaError) return error;
  const e = error as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LinguaError('request_too_large', 'Request body too large.', { code: 'request_too_large' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
    case 'FST_ERR_BAD_URL':
      return new LinguaError('invalid_request', 'The URL is not valid: a percent sign must start an escape of UTF-8 bytes (%25 for a literal %).', { code: 'invalid_url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new LinguaError('invalid_request', 'A part of the URL is longer than any id this server takes.', { code: 'uri_too_long', status: 414 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new LinguaError('invalid_request', 'Unsupported content type: send the body as application/json.', { code: 'invalid_content_type', status: 415 });
  }
  if (e instanceof SyntaxError) {
    return new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new LinguaError(e.statusCode === 404 ? 'not_found' : 'invalid_request', e.message, { status: e.statusCode });
  }
  return undefined;
}
