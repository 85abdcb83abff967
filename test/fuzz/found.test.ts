import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { checkAnswer, fuzzEndpoints } from './check-answer.js';
import { FAKE_MODELS, startFakeBackends, type FakeBackends } from './fake-backends.js';

/** Writes `raw` on a new connection, half-closes it after `endAfterMs`, and returns all the server sent before closing. */
function exchangeRaw(url: string, raw: string, endAfterMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1'); });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(raw);
    setTimeout(() => socket.end(), endAfterMs);
  });
}

/** Status, headers and body of the first HTTP response in `text`. */
function parseResponse(text: string): { status: number; headers: Record<string, string>; body: Buffer } {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine!.split(' ')[1]), headers, body: Buffer.from(text.slice(end + 4), 'latin1') };
}

/** Requests found answered wrongly while fuzzing, each as a plain test of the exact request. */
describe('found while fuzzing', () => {
  let fakes: FakeBackends;
  let server: TestServer;
  before(async () => {
    fakes = await startFakeBackends();
    server = await startLingua({ ...fakes.config });
  });
  after(async () => {
    await server?.close();
    await fakes?.close();
  });

  // src/server/client-errors.ts read the path from the bytes node:http could not parse only; a body cut short holds no request line.
  test('a body cut short by a client that half-closes is answered in the protocol of its path', async () => {
    const body = '{"model":"m-openai","max_tokens":5,"messages":[{"role":"user","content":"x"}]}';
    for (const endpoint of fuzzEndpoints.filter((e) => e.method === 'POST')) {
      const text = await exchangeRaw(server.url, `POST ${endpoint.path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length + 10}\r\n\r\n${body}`, 100);
      const answer = parseResponse(text);
      assert.equal(answer.status, 400, `${endpoint.path}: ${text}`);
      assert.ok(answer.headers[endpoint.shape === 'anthropic' ? 'request-id' : 'x-request-id'], `${endpoint.path}: the protocol's request-id header`);
      checkAnswer(endpoint, answer, FAKE_MODELS);
    }
  });
});
