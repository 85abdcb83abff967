import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export type FakeHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

/**
 * The HTTP side of a fake upstream: listens on a loopback port, records
 * every request (JSON body parsed), runs `handler` when set or else the
 * subclass's `answer`, and counts clients that went away before the
 * response ended (`aborted`).
 */
export abstract class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler | undefined;
  /** Requests whose client went away before the response ended. */
  aborted = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Listens; returns the base URL with `path` (default `/v1`). */
  async start(path = '/v1'): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get last(): RecordedRequest {
    const r = this.requests.at(-1);
    if (r === undefined) throw new Error('the fake upstream got no request');
    return r;
  }

  protected abstract answer(req: RecordedRequest, res: ServerResponse): void | Promise<void>;

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const recorded: RecordedRequest = { path: req.url ?? '', headers: req.headers, body: text === '' ? {} : JSON.parse(text) };
    this.requests.push(recorded);
    res.on('close', () => { if (!res.writableFinished) this.aborted++; });
    if (this.handler !== undefined) return this.handler(recorded, res);
    return this.answer(recorded, res);
  }
}
