/**
 * The floor for any Node gateway: a `node:http` server that forwards the
 * request body bytes to the upstream over an undici Pool (the same pool
 * settings Lingua's openai provider uses) and pipes the response back.
 * No parsing, validation, auth or logging. Kept lean on purpose (one
 * buffered body, `pipe` rather than `pipeline`, the upstream's
 * content-length passed on so small bodies go out in one write): it is the
 * floor the gateway is compared with, so it must not be slow by accident.
 *
 *   node dist/bench/support/bare-proxy.js PORT UPSTREAM_ORIGIN
 */
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [port, origin] = process.argv.slice(2);
if (port === undefined || origin === undefined) {
  process.stderr.write('usage: bare-proxy PORT UPSTREAM_ORIGIN\n');
  process.exit(2);
}

const pool = new Pool(origin, { connections: 256, keepAliveTimeout: 30_000, pipelining: 1 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    pool.request({ method: 'POST', path: req.url ?? '/', headers: { 'content-type': 'application/json' }, body })
      .then((upstream) => {
        const headers: Record<string, string> = { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') };
        const length = upstream.headers['content-length'];
        if (length !== undefined) headers['content-length'] = String(length);
        res.writeHead(upstream.statusCode, headers);
        upstream.body.on('error', () => res.destroy());
        upstream.body.pipe(res);
      }, () => {
        res.writeHead(502).end();
      });
  });
});
server.keepAliveTimeout = 75_000;
server.listen(Number(port), '127.0.0.1');

process.on('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
});
