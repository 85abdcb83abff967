import type { RequestListener, ServerResponse } from 'node:http';
import secureJson from 'secure-json-parse';
import { LinguaError } from '../canonical/index.js';
import type { Logger } from '../lib/logger.js';
import { asLinguaError } from '../router/router.js';
import type { ChatProtocol } from './chat-protocol.js';
import type { ServerContext } from './context.js';
import { handleChat } from './handle-chat.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';
import { sendError } from './protocol-errors.js';

export interface ChatListenerOptions {
  /** `POST` paths (no query, no trailing slash) and the protocol each speaks. */
  routes: ReadonlyMap<string, ChatProtocol>;
  bodyLimit: number;
  logger: Logger;
  /** True once the server is shutting down: new requests get a 503. */
  closing: () => boolean;
}

/**
 * The chat endpoints' own request listener, in front of Fastify's: a chat
 * `POST` goes from node:http straight into the pipeline (`handleChat`);
 * every other request goes on to `next` (Fastify).
 *
 * Chat calls are the gateway's hot path, and Fastify's per-request work
 * (request and reply objects, routing, hooks, a child logger, its body
 * reader and send path) cost more than the whole of Lingua's own work on
 * a small request (docs/benchmark.md). What Fastify did for these routes is
 * done here: the body limit (413), JSON parsing with prototype-poisoning
 * protection (400), 503 while closing, and every error in the caller's
 * protocol.
 */
export function chatListener(ctx: ServerContext, options: ChatListenerOptions, next: RequestListener): RequestListener {
  return (req, res) => {
    const path = req.method === 'POST' ? routePath(req.url ?? '/') : '';
    const protocol = options.routes.get(path);
    if (protocol === undefined) return next(req, res);
    const requestId = requestIdOf(req.headers['x-request-id']);
    // On every answer, errors included: the id a client quotes is the one in the log.
    res.setHeader(requestIdHeaderFor(path), requestId);
    const { logger, bodyLimit } = options;
    if (options.closing()) {
      res.setHeader('connection', 'close');
      return fail(res, protocol, new LinguaError('unavailable', 'The server is shutting down; retry on another instance.'), logger);
    }
    const declared = Number(req.headers['content-length']);
    if (declared > bodyLimit) return fail(res, protocol, tooLarge(), logger);

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the limit: the rest is read and dropped, so the client can finish sending and read the 413.
      if (size <= bodyLimit) chunks.push(chunk);
    });
    // `on`, not `once`: each fires at most once, and `once` wraps every listener.
    req.on('error', () => { res.destroy(); });
    req.on('end', () => {
      if (size > bodyLimit) return fail(res, protocol, tooLarge(), logger);
      let body: unknown;
      try {
        body = parseJson(chunks);
      } catch (error) {
        return fail(res, protocol, error, logger);
      }
      handleChat(protocol, ctx, { req, res, body, requestId, log: logger }).catch((error: unknown) => { fail(res, protocol, error, logger); });
    });
  };
}

function fail(res: ServerResponse, protocol: ChatProtocol, error: unknown, logger: Logger): void {
  sendError(res, protocol, asLinguaError(error, logger));
}

/** The path without its query string or a trailing slash. */
function routePath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

const suspect = /"(?:__proto__|constructor)"\s*:/;

/** Whether the body may hold a `__proto__` or `constructor` key (then the regex decides). */
function mayPoison(text: string): boolean {
  return (text.includes('__proto__') || text.includes('constructor')) && suspect.test(text);
}

/** The body as JSON; `__proto__` and `constructor.prototype` keys are dropped (secure-json-parse). */
function parseJson(chunks: Buffer[]): unknown {
  const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
  if (text === '') return undefined;
  try {
    // Almost every body has neither key: then plain JSON.parse is enough, and ~2× faster.
    return mayPoison(text) ? secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }) : JSON.parse(text);
  } catch {
    throw new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
  }
}

function tooLarge(): LinguaError {
  return new LinguaError('request_too_large', 'Request body too large.', { code: 'request_too_large' });
}
