import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** How the soak's upstream answers one call: named in the request's last message (`soak:<fault>`). */
export const upstreamFaults = ['http500', 'http503', 'http429', 'reset_before_headers', 'reset_mid_stream', 'cut_stream', 'malformed', 'hang'] as const;
export type UpstreamBehaviour = 'ok' | 'slow' | 'long' | (typeof upstreamFaults)[number];

const TEXT = 'The soak upstream answers with a few words, chunk by chunk.';

/**
 * An OpenAI Chat Completions upstream that fails on request: each call's
 * last message says how (`soak:http503`, `soak:reset_mid_stream`…). Counts
 * its open sockets and the calls it is answering, for the soak's
 * "back to baseline" figures.
 */
export class SoakUpstream {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** Calls being answered now. */
  active = 0;
  calls = 0;

  constructor() {
    this.#server = createServer((req, res) => { void this.#answer(req, res); });
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on('connection', (s) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
  }

  get openSockets(): number {
    return this.#sockets.size;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls++;
    this.active++;
    res.once('close', () => { this.active--; });
    let text = '';
    for await (const chunk of req) text += chunk as string;
    const body = JSON.parse(text) as { stream?: boolean; model: string; messages: Array<{ content: unknown }> };
    const last = JSON.stringify(body.messages.at(-1)?.content ?? '');
    const behaviour = (/soak:([a-z0-9_]+)/.exec(last)?.[1] ?? 'ok') as UpstreamBehaviour;
    const stream = body.stream === true;
    switch (behaviour) {
      case 'http500': case 'http503': case 'http429': {
        const status = Number(behaviour.slice(4));
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
        res.end(JSON.stringify({ error: { message: `soak fault ${status}`, type: 'server_error' } }));
        return;
      }
      case 'reset_before_headers':
        req.socket.destroy();
        return;
      case 'hang':
        return; // Lingua's timeout ends it; the socket closes with it.
      case 'malformed':
        res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
        res.end(stream ? 'data: {"choices": [ not json\n\n' : '{"choices": [');
        return;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, 60));
        break;
      default:
        break;
    }
    if (res.destroyed) return;
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'chatcmpl-soak', object: 'chat.completion', created: 1700000000, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: TEXT }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 12, total_tokens: 24 },
      }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-soak', object: 'chat.completion.chunk', created: 1700000000, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    if (behaviour === 'long') {
      // About 8 MB of SSE, sent as fast as Lingua takes it: more than the loopback buffers hold for a client that stops reading.
      for (let i = 0; i < 40_000; i++) {
        if (res.destroyed) return;
        if (!res.write(frame({ content: ` ${TEXT}${TEXT}` }))) {
          await new Promise<void>((resolve) => {
            const go = () => { res.off('drain', go); res.off('close', go); resolve(); };
            res.on('drain', go);
            res.on('close', go);
          });
        }
      }
    }
    const words = TEXT.split(' ');
    for (let i = 0; i < words.length; i++) {
      if (res.destroyed) return;
      res.write(frame({ content: (i === 0 ? '' : ' ') + words[i] }));
      if (i === 2 && behaviour === 'reset_mid_stream') { req.socket.destroy(); return; }
      if (i % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
    }
    if (behaviour === 'cut_stream') { res.end(); return; }
    res.write(frame({}, 'stop'));
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-soak', object: 'chat.completion.chunk', created: 1700000000, model: body.model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 12, total_tokens: 24 } })}\n\n`);
    res.end('data: [DONE]\n\n');
  }
}
