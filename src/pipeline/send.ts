import type { ServerResponse } from 'node:http';
import type { ChatRequest, LinguaError } from '../canonical/index.js';
import type { ChatProtocol } from '../protocols/contract.js';

export { asLinguaError } from '../router/router.js';

/** An error in the protocol's shape; a response already under way is cut instead. */
export function sendError(res: ServerResponse, protocol: Pick<ChatProtocol, 'renderError'>, error: LinguaError, request?: ChatRequest): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const rendered = protocol.renderError(error, request);
  sendJson(res, rendered.status, rendered.body, rendered.headers);
}

/** A JSON response (headers set earlier with `setHeader`, such as the request id, are kept). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
