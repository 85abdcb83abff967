import { access, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../../lib/logger.js';
import { downloadFile } from './hf-download.js';

/** A model on the Hugging Face Hub: `hf:ORG/REPO/PATH/IN/REPO.gguf`, optionally `@REVISION` after the repo. */
export interface HfModelRef {
  repo: string;
  revision: string;
  file: string;
}

export function parseHfUri(uri: string): HfModelRef | undefined {
  const match = /^hf:([^/@\s]+\/[^/@\s]+)(?:@([^/\s]+))?\/(\S+\.gguf)$/i.exec(uri);
  if (match === null) return undefined;
  return { repo: match[1]!, revision: match[2] ?? 'main', file: match[3]! };
}

/** A model that cannot be loaded; the message says which and what to do. */
export class ModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelUnavailableError';
  }
}

export interface SourceOptions {
  cacheDir: string;
  hfEndpoint: string;
  hfToken?: string;
  /** false: use only what is already cached. */
  download: boolean;
  logger: Logger;
  signal?: AbortSignal;
}

/** Where a `hf:` model lives in the cache. */
export function hfCachePath(ref: HfModelRef, cacheDir: string): string {
  return join(cacheDir, 'models', ...ref.repo.split('/'), ref.revision, ...ref.file.split('/'));
}

/**
 * The local file for a config's `model`: a path as given (relative to the
 * working directory), or a `hf:` URI's cached copy, downloaded first if
 * it is not there yet.
 */
export async function resolveModelFile(model: string, options: SourceOptions): Promise<string> {
  if (model.startsWith('hf:')) return resolveHf(model, options);
  const path = resolve(model);
  if (!(await exists(path))) throw new ModelUnavailableError(`model file ${path} does not exist; set 'model' to a .gguf file or an hf:ORG/REPO/FILE.gguf URI`);
  return path;
}

async function resolveHf(uri: string, options: SourceOptions): Promise<string> {
  const ref = parseHfUri(uri);
  if (ref === undefined) throw new ModelUnavailableError(`'${uri}' is not a model URI of the form hf:ORG/REPO/FILE.gguf (or hf:ORG/REPO@REVISION/FILE.gguf)`);
  const path = hfCachePath(ref, options.cacheDir);
  if (await exists(path)) return path;
  const howTo = `To use it offline, put the file at ${path} (or set 'model' to a local .gguf path).`;
  if (!options.download) throw new ModelUnavailableError(`model ${uri} is not in the cache and downloads are off. ${howTo}`);

  const url = `${options.hfEndpoint.replace(/\/+$/, '')}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${ref.file.split('/').map(encodeURIComponent).join('/')}`;
  await mkdir(dirname(path), { recursive: true });
  options.logger.info({ model: uri, url, path }, `downloading ${uri}`);
  const progress = progressReporter(uri);
  try {
    await downloadFile(url, path, {
      ...(options.hfToken === undefined ? {} : { token: options.hfToken }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onProgress: progress.update,
    });
  } catch (error) {
    throw new ModelUnavailableError(`model ${uri} is not in the cache and could not be downloaded (${describe(error)}); a partial download resumes on the next start. ${howTo}`, { cause: error });
  } finally {
    progress.done();
  }
  options.logger.info({ model: uri, path }, `downloaded ${uri}`);
  return path;
}

/** A one-line progress bar on stderr when it is a terminal; nothing otherwise. */
function progressReporter(label: string): { update: (received: number, total: number | undefined) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update: (received, total) => {
      const now = Date.now();
      if (!tty || now - last < 200) return;
      last = now;
      const mb = (n: number) => (n / 1048576).toFixed(1);
      const bar = total === undefined ? '' : `[${'#'.repeat(Math.round((received / total) * 30)).padEnd(30)}] ${((received / total) * 100).toFixed(1)}% `;
      process.stderr.write(`\r${label} ${bar}${mb(received)}${total === undefined ? '' : `/${mb(total)}`} MB`);
    },
    done: () => { if (tty && last > 0) process.stderr.write('\n'); },
  };
}

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
