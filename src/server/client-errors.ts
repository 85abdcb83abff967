import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { LinguaError } from '../canonical/index.js';
import type { Logger } from '../lib/logger.js';
import { protocolForPath } from './protocol-errors.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';

/** How long a refused connection may go on sending before it is closed (so it can read the answer first). */
const LINGER_MS = 2000;

/**
 * Fastify's `clientErrorHandler`: a request node:http could not parse
 * (headers over the size limit, a malformed request line, a client that
 * took too long to send) is answered in the protocol of its path, when the
 * path is known, with `connection: close`. The socket is then half-closed
 * and drained rather than destroyed: a client still sending its oversized
 * headers would otherwise get a reset instead of the answer.
 */
export function clientErrorHandler(logger: Logger): (error: Error, socket: Socket) => void {
  return (err, socket) => {
    const error = err as Error & { code?: string; rawPacket?: unknown };
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const path = requestPath(Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined) ?? (socket as { _httpMessage?: { req?: { url?: string } } })._httpMessage?.req?.url?.split('?')[0];
    const failure = failureOf(error.code);
    const rendered = protocolForPath(path ?? '/').renderError(failure);
    const body = JSON.stringify(rendered.body);
    const requestId = requestIdOf(undefined);
    const headers = {
      ...rendered.headers,
      [requestIdHeaderFor(path ?? '/')]: requestId,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      connection: 'close',
    };
    logger.info({ reqId: requestId, path, status: rendered.status, error: failure.message }, 'request');
    if (!socket.writable) return void socket.destroy();
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.end(`HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}\r\n${head}\r\n${body}`);
    // Read and drop whatever the client still sends, then let go.
    socket.on('data', () => {});
    socket.resume();
    const linger = setTimeout(() => socket.destroy(), LINGER_MS);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  };
}

function failureOf(code: string | undefined): LinguaError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new LinguaError('invalid_request', 'Request headers too large.', { status: 431, code: 'headers_too_large' });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new LinguaError('invalid_request', 'The request took too long to arrive.', { status: 408, code: 'request_timeout' });
    default:
      return new LinguaError('invalid_request', 'The request is not valid HTTP.', { code: 'bad_request' });
  }
}

/** The path of the request line in what the client sent, if it got that far. */
function requestPath(raw: Buffer | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const line = raw.subarray(0, Math.min(raw.length, 8192)).toString('latin1').split('\r\n', 1)[0] ?? '';
  const match = /^[A-Z]+ (\/\S*) HTTP\/1\.[01]$/.exec(line);
  return match?.[1]?.split('?')[0];
}
