import { Agent, request } from 'node:http';
import type { Answer } from './check-answer.js';

export interface RawRequest {
  method: 'GET' | 'POST';
  /** Written as it stands. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Without a content length: `transfer-encoding: chunked`. */
  chunked: boolean;
}

/**
 * Sends exactly these bytes and headers over a kept-alive connection and
 * reads the whole answer. A request with no answer for `idleMs` fails as a
 * hang. A kept-alive socket the server closed just before it was reused is
 * retried once, as Node's documentation advises.
 */
export async function sendRaw(agent: Agent, origin: URL, raw: RawRequest, idleMs: number): Promise<Answer> {
  try {
    return await sendOnce(agent, origin, raw, idleMs);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return sendOnce(agent, origin, raw, idleMs);
    throw error;
  }
}

function sendOnce(agent: Agent, origin: URL, raw: RawRequest, idleMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...raw.headers };
    if (raw.method === 'POST' && !raw.chunked) headers['content-length'] = String(raw.body.length);
    const req = request({ agent, host: origin.hostname, port: origin.port, method: raw.method, path: raw.path, headers });
    let answered = false;
    req.setTimeout(idleMs, () => req.destroy(new Error(`no answer for ${idleMs} ms: the request hangs`)));
    req.on('error', (error) => {
      if (answered) return;
      Object.assign(error, { reusedSocket: req.reusedSocket });
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    if (raw.method === 'POST') req.end(raw.body);
    else req.end();
  });
}
