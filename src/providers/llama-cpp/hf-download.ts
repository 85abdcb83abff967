import { createWriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface DownloadOptions {
  /** Bearer token for gated repositories. */
  token?: string;
  signal?: AbortSignal;
  /** Longest wait for the server to start answering, in ms. */
  connectTimeoutMs?: number;
  onProgress?: (received: number, total: number | undefined) => void;
}

/**
 * Downloads `url` to `dest` through `dest.partial`, resuming a partial file
 * left by an interrupted run (HTTP Range). The file appears at `dest` only
 * when complete. node-llama-cpp has a downloader, but offline it never
 * settles (its promise hangs), so Lingua uses this one, which fails fast.
 */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<void> {
  const partial = `${dest}.partial`;
  const have = await stat(partial).then((s) => s.size, () => 0);
  const headers: Record<string, string> = { 'user-agent': 'lingua' };
  if (have > 0) headers.range = `bytes=${have}-`;
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  // A time limit on getting an answer, not on the whole download.
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(new Error(`no answer from ${new URL(url).host} in time`)), options.connectTimeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await fetch(url, {
      headers,
      redirect: 'follow',
      signal: options.signal === undefined ? connect.signal : AbortSignal.any([connect.signal, options.signal]),
    });
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 416 && have > 0) {
    // The partial file is already whole.
    await response.body?.cancel();
    await rename(partial, dest);
    return;
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText} from ${url}`);
  }
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? length + (resumed ? have : 0) : undefined;
  let received = resumed ? have : 0;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    options.onProgress?.(received, total);
  });
  await pipeline(body, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }), { signal: options.signal });
  if (total !== undefined && received !== total) throw new Error(`download of ${url} ended after ${received} of ${total} bytes`);
  await rename(partial, dest);
}
