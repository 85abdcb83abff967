#!/usr/bin/env node
// Builds the console (console/ → dist/console/) with Vite: `npm run build:console`; `npm ci`
// runs it (the `prepare` script). With `--if-stale`, it builds only when the console's
// sources or the installed packages changed since the last build (a hash of them is kept in
// dist/console/.source-hash), so tests can ask for a fresh build without paying for one.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const outDir = join(root, 'dist', 'console');
const hashFile = join(outDir, '.source-hash');

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

/** A hash of every console source file and the lock file (the bundled libraries' versions). */
async function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...(await files(here)), join(root, 'package-lock.json')]) {
    hash.update(relative(root, file)).update('\0');
    if (existsSync(file)) hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The gzipped bytes of what the browser loads for the first page: index.html, the entry chunk, its static imports and their CSS. */
async function firstPageSize() {
  const manifest = JSON.parse(await readFile(join(outDir, '.vite', 'manifest.json'), 'utf8'));
  const seen = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (chunk === undefined || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const css of chunk.css ?? []) seen.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const sizes = { html: 0, js: 0, css: 0 };
  for (const file of ['index.html', ...seen]) {
    const gz = gzipSync(await readFile(join(outDir, file))).length;
    sizes[file.endsWith('.css') ? 'css' : file.endsWith('.js') ? 'js' : 'html'] += gz;
  }
  return sizes;
}

function typecheck() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', join(here, 'tsconfig.json')], (error, stdout) => {
      if (error === null) resolve();
      else reject(new Error(`console: type errors:\n${stdout}`));
    });
  });
}

const ifStale = process.argv.includes('--if-stale');
const hash = await sourceHash();
if (ifStale && existsSync(join(outDir, 'index.html')) && existsSync(hashFile) && (await readFile(hashFile, 'utf8')) === hash) {
  process.exit(0);
}
const started = performance.now();
const { build } = await import('vite');
// Vite does not check types: tsc does (console/tsconfig.json), beside the build.
await Promise.all([typecheck(), build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn' })]);
await writeFile(hashFile, hash);
const s = await firstPageSize();
const kb = (n) => (n / 1024).toFixed(1);
console.log(`console: built ${relative(root, outDir)} in ${((performance.now() - started) / 1000).toFixed(1)} s; first page ${kb(s.html + s.js + s.css)} kB gzipped (JS ${kb(s.js)}, CSS ${kb(s.css)}, HTML ${kb(s.html)})`);
