#!/usr/bin/env node
// Builds the console (console/ → dist/console/) with Vite: `npm run build:console`; `npm ci`
// runs it (the `prepare` script). With `--if-stale`, it builds only when the console's
// sources or the installed packages changed since the last build (a hash of them is kept in
// dist/console/.source-hash), so tests can ask for a fresh build without paying for one.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
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
const fresh = async () => existsSync(join(outDir, 'index.html')) && existsSync(hashFile) && (await readFile(hashFile, 'utf8')) === hash;
if (ifStale && (await fresh())) process.exit(0);

// One build at a time (test files may ask at once): the others wait for it, then find it fresh.
const lock = join(root, 'dist', '.console-build.lock');
await mkdir(dirname(lock), { recursive: true });
for (const deadline = Date.now() + 180_000; ;) {
  try {
    await mkdir(lock);
    break;
  } catch (error) {
    if (error.code !== 'EEXIST' || Date.now() > deadline) throw error;
    // A lock left by a build that was killed: builds take seconds, not minutes.
    const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age > 300_000) rmSync(lock, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
if (ifStale && (await fresh())) process.exit(0);
const started = performance.now();
const { build } = await import('vite');
// Vite does not check types: tsc does (console/tsconfig.json), beside the build.
await Promise.all([typecheck(), build({ configFile: join(here, 'vite.config.ts'), logLevel: 'warn' })]);
await writeFile(hashFile, hash);
const s = await firstPageSize();
const kb = (n) => (n / 1024).toFixed(1);
console.log(`console: built ${relative(root, outDir)} in ${((performance.now() - started) / 1000).toFixed(1)} s; first page ${kb(s.html + s.js + s.css)} kB gzipped (JS ${kb(s.js)}, CSS ${kb(s.css)}, HTML ${kb(s.html)})`);
