/**
 * The floor for a gateway that reads what it forwards: like the bare proxy,
 * but it parses the request's JSON, swaps the model name, serialises it
 * again, and does the same to the answer (each `data:` event of a stream).
 * No validation, no translation, no auth. Written as lean as node:http and
 * undici allow (undici's `dispatch` handler API, no streams), so that it
 * shows what JSON alone costs next to the bare proxy's byte pipe.
 *
 *   node dist/bench/support/json-proxy.js PORT UPSTREAM_ORIGIN
 */
import { createServer, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

const [port, origin] = process.argv.slice(2);
if (port === undefined || origin === undefined) {
  process.stderr.write('usage: json-proxy PORT UPSTREAM_ORIGIN\n');
  process.exit(2);
}

const pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });
const upstreamHeaders = { 'content-type': 'application/json' };

function reserialise(text: string, model: string): string {
  const body = JSON.parse(text) as Record<string, unknown>;
  body.model = model;
  return JSON.stringify(body);
}

/** A stream's complete `data:` frames, each re-serialised; the incomplete tail is kept for the next chunk. */
function frames(text: string): { out: string; rest: string } {
  const end = text.lastIndexOf('\n\n');
  if (end === -1) return { out: '', rest: text };
  const out = text.slice(0, end + 2).split('\n\n')
    .map((frame) => (frame.startsWith('data: {') ? `data: ${reserialise(frame.slice(6), 'client-model')}` : frame)).join('\n\n');
  return { out, rest: text.slice(end + 2) };
}

function forward(path: string, body: string, res: ServerResponse): void {
  const parts: Buffer[] = [];
  let status = 502;
  let contentType = 'application/json';
  let stream = false;
  let rest = '';
  pool.dispatch({ method: 'POST', path, headers: upstreamHeaders, body }, {
    // undici tells its handler APIs apart by this method: without it, it expects the legacy one.
    onRequestStart: () => {},
    onResponseStart: (_c, statusCode, headers) => {
      status = statusCode;
      contentType = String(headers['content-type'] ?? contentType);
      stream = contentType.startsWith('text/event-stream');
      if (stream) res.writeHead(status, { 'content-type': contentType });
    },
    onResponseData: (_c, chunk) => {
      if (!stream) return void parts.push(chunk);
      const next = frames(rest + chunk.toString());
      rest = next.rest;
      if (next.out !== '') res.write(next.out);
    },
    onResponseEnd: () => {
      if (stream) return void res.end(rest);
      const out = reserialise(parts.length === 1 ? parts[0]!.toString() : Buffer.concat(parts).toString(), 'client-model');
      res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(out) });
      res.end(out);
    },
    onResponseError: () => { if (!res.headersSent) res.writeHead(502); res.end(); },
  });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks).toString();
    forward(req.url ?? '/', reserialise(text, 'upstream-model'), res);
  });
});
server.keepAliveTimeout = 75_000;
server.listen(Number(port), '127.0.0.1');

process.on('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
});
