import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of Lingua for a Codex run: forwards every request
 * to `target`, records the JSON bodies (as forwarded), and lets `route`
 * put another model name on a request (undefined keeps its own).
 */
export class TurnProxy {
  target = '';
  readonly bodies: Array<Record<string, unknown>> = [];
  readonly #route: (body: Record<string, unknown>) => string | undefined;

  constructor(route: (body: Record<string, unknown>) => string | undefined) {
    this.#route = route;
  }

  readonly #server: Server = createServer((req, res) => void (async () => {
    let text = '';
    for await (const chunk of req) text += chunk;
    if (text !== '') {
      const body = JSON.parse(text) as Record<string, unknown>;
      body.model = this.#route(body) ?? body.model;
      this.bodies.push(body);
      text = JSON.stringify(body);
    }
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization', 'accept']) if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
    const answer = await fetch(`${this.target}${req.url}`, { method: req.method!, headers, ...(text === '' ? {} : { body: text }) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    if (answer.body !== null) for await (const chunk of answer.body) res.write(chunk);
    res.end();
  })().catch((e: unknown) => res.destroy(e as Error)));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
