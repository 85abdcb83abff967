import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LinguaError } from '../canonical/index.js';

/** Where `npm run build:console` (console/build.mjs) puts the console: dist/console beside dist/src. */
export const consoleDir = fileURLToPath(new URL('../../console/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const compressible = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

/**
 * What the console's page may load and do: only this server's scripts,
 * styles and API; no frames around it. Inline styles are allowed for the
 * charts (uPlot positions its elements with them); inline scripts are not.
 */
const pageHeaders = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  /** Content-hashed names (Vite's `assets/`): cached for good; anything else is revalidated each time. */
  immutable: boolean;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue; // .vite/manifest.json, .source-hash: the build's own
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

/** The built console, by URL path under /console/ (`index.html`, `assets/index-B1x2.js`); undefined when it was never built. */
async function load(dir: string): Promise<Map<string, StaticFile> | undefined> {
  let paths: string[];
  try {
    paths = await walk(dir);
  } catch {
    return undefined;
  }
  const files = new Map<string, StaticFile>();
  for (const path of paths) {
    const body = await readFile(path);
    const ext = extname(path);
    const name = relative(dir, path).split(sep).join('/');
    files.set(name, {
      body,
      gzip: compressible.has(ext) && body.length > 512 ? gzipSync(body, { level: 9 }) : undefined,
      type: types[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      immutable: name.startsWith('assets/'),
    });
  }
  return files.has('index.html') ? files : undefined;
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Lingua console</title>
<p>The console has not been built. Run <code>npm run build:console</code> (or <code>npm ci</code>, which builds it) and reload this page.</p>`;

/**
 * Serves the built console at /console (index.html) and /console/<file>,
 * from memory (read, and gzipped once, at the first request): hashed
 * assets as `immutable`, index.html as `no-cache` with its ETag (a 304
 * when unchanged), gzip when the browser takes it. The page's routes are
 * in the URL fragment (`/console/#/keys`), so no other path needs the page.
 */
export function staticFiles(app: FastifyInstance, dir: string = consoleDir): void {
  let loading: Promise<Map<string, StaticFile> | undefined> | undefined;
  const files = async () => {
    const loaded = await (loading ??= load(dir));
    if (loaded === undefined) loading = undefined; // not built yet: look again next time
    return loaded;
  };

  const send = async (req: FastifyRequest, reply: FastifyReply, name: string) => {
    const all = await files();
    if (all === undefined) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuilt);
    const file = all.get(name);
    if (file === undefined) throw new LinguaError('not_found', `No console file '${name}'.`, { code: 'unknown_url' });
    void reply
      .type(file.type)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('etag', file.etag)
      .header('x-content-type-options', 'nosniff');
    if (name === 'index.html') void reply.headers(pageHeaders);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    if (file.gzip !== undefined) {
      void reply.header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(file.gzip);
    }
    return reply.send(file.body);
  };

  app.get('/console', (req, reply) => send(req, reply, 'index.html'));
  app.get('/console/*', (req: FastifyRequest<{ Params: { '*': string } }>, reply) => send(req, reply, req.params['*'] === '' ? 'index.html' : req.params['*']));
}
