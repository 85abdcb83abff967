import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { staticFiles } from '../../src/console/static-files.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { buildConsole } from './support.js';

describe('the console\'s files at /console', () => {
  let server: TestServer;
  before(async () => {
    await buildConsole();
    server = await startLingua({});
  });
  after(() => server?.close());

  test('index.html: no-cache with an ETag (304 when unchanged), the page\'s security headers; hashed assets immutable and gzipped', async () => {
    const page = await fetch(`${server.url}/console`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy')!, /script-src 'self'; .*frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const html = await page.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page loads its script from /console/assets');
    assert.equal((await fetch(`${server.url}/console/`)).status, 200);
    const again = await fetch(`${server.url}/console`, { headers: { 'if-none-match': page.headers.get('etag')! } });
    assert.equal(again.status, 304);

    const asset = await fetch(`${server.url}${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.ok((await asset.text()).length > 1000);
    // fetch() would decompress it: node:http shows the bytes sent.
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      get(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    assert.equal(raw.encoding, 'gzip');
    assert.ok(gunzipSync(raw.body).length > raw.body.length);

    for (const path of ['/console/assets/nope.js', '/console/.source-hash', '/console/.vite/manifest.json', '/console/../package.json']) {
      assert.equal((await fetch(`${server.url}${path}`)).status, 404, path);
    }
  });
});

describe('the console not built', () => {
  let app: FastifyInstance;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lingua-console-empty-'));
    app = Fastify();
    staticFiles(app, dir);
    await app.ready();
  });
  after(async () => { await app.close(); await rm(dir, { recursive: true, force: true }); });

  test('a page that says how to build it, 503, not cached', async () => {
    const r = await app.inject({ method: 'GET', url: '/console' });
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build:console/);
    assert.equal(r.headers['cache-control'], 'no-store');
  });
});
