import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Where a Lingua runs while developing the console (`npx vite console`): its API and caller endpoints are proxied there. */
const lingua = process.env.LINGUA_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  base: '/console/',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Which files the first page loads: console/build.mjs reports their size from it.
    manifest: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { proxy: { '/console/api': lingua, '/v1': lingua } },
});
