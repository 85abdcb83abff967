import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import { asLinguaError } from '../router/router.js';
import type { ChatProtocol } from './chat-protocol.js';

/**
 * Renders every error of the routes registered on `app` (ours and Fastify's
 * own: bad JSON, body too large) in the protocol's shape.
 */
export function useProtocolErrors(app: FastifyInstance, protocol: Pick<ChatProtocol, 'renderError'>): void {
  app.setErrorHandler((error, req, reply) => {
    const failure = fromFastify(error) ?? asLinguaError(error, req.log);
    const rendered = protocol.renderError(failure);
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
}

function fromFastify(error: unknown): LinguaError | undefined {
  if (error instanceof LinguaError) return error;
  const e = error as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LinguaError('request_too_large', 'Request body too large.', { code: 'request_too_large' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new LinguaError('invalid_request', 'Unsupported content type: send the body as application/json.', { code: 'invalid_content_type', status: 415 });
  }
  if (e instanceof SyntaxError || (typeof e.statusCode === 'number' && e.statusCode === 400)) {
    return new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new LinguaError('invalid_request', e.message, { status: e.statusCode });
  }
  return undefined;
}

/** An error in the protocol's shape; a response already under way is cut instead. */
export function sendError(res: ServerResponse, protocol: Pick<ChatProtocol, 'renderError'>, error: LinguaError): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const rendered = protocol.renderError(error);
  const text = JSON.stringify(rendered.body);
  res.writeHead(rendered.status, {
    ...rendered.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
