import type { IncomingMessage, RequestListener } from 'node:http';
import { LinguaError } from '../canonical/index.js';
import { parseJsonBody } from '../lib/json-body.js';
import type { Logger } from '../lib/logger.js';
import { Exchange } from '../pipeline/exchange.js';
import type { PipelineContext } from '../pipeline/context.js';
import { runPipeline } from '../pipeline/pipeline.js';
import type { Endpoint } from '../protocols/contract.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';

export interface ListenerOptions {
  endpoints: readonly Endpoint[];
  bodyLimit: number;
  logger: Logger;
  /** True once the server is shutting down: new requests get a 503. */
  closing: () => boolean;
}

/**
 * The HTTP edge of the caller endpoints, in front of Fastify's listener: a
 * request for one of `endpoints` goes from node:http straight into the
 * pipeline; every other request (health, admin) goes on to `next` (Fastify).
 *
 * Caller endpoints are the gateway's hot path, and Fastify's per-request
 * work (request and reply objects, routing, hooks, a child logger, its body
 * reader and send path) cost more than the whole of Lingua's own work on a
 * small request (docs/benchmark.md). This edge does only what HTTP needs:
 * the request id, the body limit (413), JSON parsing with
 * prototype-poisoning protection (400), 503 while closing; each of those
 * outcomes is handed to the pipeline, which answers in the caller's
 * protocol, records and logs it like any other. `current` is the pipeline
 * context of the config in force (src/reload/live-config.ts).
 */
export function endpointListener(current: () => PipelineContext, options: ListenerOptions, next: RequestListener): RequestListener {
  const exact = new Map<string, Endpoint>();
  const prefixed: Endpoint[] = [];
  for (const e of options.endpoints) {
    if (e.prefix) prefixed.push(e);
    else exact.set(`${e.method} ${e.path}`, e);
  }
  const find = (method: string, path: string): Endpoint | undefined =>
    exact.get(`${method} ${path}`) ?? prefixed.find((e) => e.method === method && path.startsWith(e.path) && path.length > e.path.length);

  return (req, res) => {
    const endpoint = find(req.method ?? '', routePath(req.url ?? '/'));
    if (endpoint === undefined) return next(req, res);
    const requestId = requestIdOf(req.headers['x-request-id']);
    // On every answer, errors included: the id a client quotes is the one in the log.
    res.setHeader(requestIdHeaderFor(endpoint.path), requestId);
    const ex = new Exchange(endpoint, req, res, requestId, options.logger);
    // The context current once the body is read (a config reload swaps it): the request keeps it to its end.
    const run = (body: unknown): void => {
      runPipeline(current(), ex, body).catch((error: unknown) => { options.logger.error({ err: error, reqId: requestId }, 'pipeline error'); res.destroy(); });
    };
    if (options.closing()) {
      res.setHeader('connection', 'close');
      return run(new LinguaError('unavailable', 'The server is shutting down; retry on another instance.'));
    }
    if (endpoint.method !== 'POST') return run(undefined);
    readBody(req, options.bodyLimit, run);
  };
}

/** Reads a body up to `limit` bytes and hands `done` the JSON, or the error that stopped it. */
function readBody(req: IncomingMessage, limit: number, done: (body: unknown) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    // The rest is read and dropped, so the client can finish sending and read the 413.
    req.resume();
    return done(tooLarge());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    // Over the limit: the rest is read and dropped, so the client can finish sending and read the 413.
    if (size <= limit) chunks.push(chunk);
  });
  // `on`, not `once`: each fires at most once, and `once` wraps every listener.
  let ended = false;
  req.on('error', () => { req.destroy(); });
  // A client that leaves before its body is complete: the request still ends (a 499), logged and recorded.
  req.on('close', () => {
    if (!ended) done(new LinguaError('client_closed', 'The client closed the connection before sending the whole request.', { code: 'client_closed' }));
  });
  req.on('end', () => {
    ended = true;
    if (size > limit) return done(tooLarge());
    let body: unknown;
    try {
      body = parseJsonBody(chunks);
    } catch (error) {
      return done(error);
    }
    done(body);
  });
}

/** The path without its query string or a trailing slash. */
function routePath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function tooLarge(): LinguaError {
  return new LinguaError('request_too_large', 'Request body too large.', { code: 'request_too_large' });
}

