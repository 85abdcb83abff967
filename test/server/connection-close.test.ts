import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { API_KEY, openAIFixture, type OpenAIFixture } from '../support/openai-fixture.js';
import { until } from '../support/until.js';

const streamed: Record<string, object> = {
  '/v1/chat/completions': { model: 'm1', stream: true, messages: [{ role: 'user', content: 'hi' }] },
  '/api/v1/chat/completions': { model: 'm1', stream: true, messages: [{ role: 'user', content: 'hi' }] },
  '/v1/messages': { model: 'm1', stream: true, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
};

function rawPost(path: string, body: object, extra = '', version = '1.1'): string {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/${version}\r\nhost: x\r\ncontent-type: application/json\r\nauthorization: Bearer ${API_KEY}\r\nx-api-key: ${API_KEY}\r\n${extra}content-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

/**
 * Sends `first` on one connection and reads its answer to the end; then,
 * as a keep-alive client that took the answer's word for it would, sends
 * `second` on the same connection if it is still open. Returns all the
 * connection received, once the server let go of it.
 */
async function twoOnOneConnection(url: string, first: string, second: string): Promise<{ received: string; serverEnded: boolean }> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  let serverEnded = false;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => { received += d; });
  socket.on('end', () => { serverEnded = true; });
  // A write after the server closed may fail with EPIPE or ECONNRESET: that is the answer too.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(first);
  // A streamed answer is chunked: it is complete at the last chunk.
  await until(() => serverEnded || received.includes('\r\n0\r\n\r\n'), 'the first answer complete');
  if (!serverEnded && socket.writable) socket.write(second);
  await closed;
  return { received, serverEnded };
}

describe('a request that asks to close the connection (Connection: close)', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f?.close());

  // The fuzz found it (LINGUA_FUZZ_SEED=1730925132): the SSE headers said `connection: keep-alive`, which
  // overrode the client's close; Node's parser then refuses any byte after a `Connection: close` request,
  // so the next request a pooled client sent on that socket got 400 "not valid HTTP".
  for (const [path, body] of Object.entries(streamed)) {
    test(`${path}, streamed: answered with connection: close and the connection is closed, so no second request is read from it`, async () => {
      const { received, serverEnded } = await twoOnOneConnection(f.server.url, rawPost(path, body, 'connection: close\r\n'), rawPost(path, body));
      const answers = received.split(/(?=HTTP\/1\.1 )/);
      assert.equal(answers.length, 1, `one answer on the connection, got:\n${received.slice(0, 2000)}`);
      assert.match(answers[0]!, /^HTTP\/1\.1 200/);
      assert.match(answers[0]!, /\r\ncontent-type: text\/event-stream/i);
      assert.match(answers[0]!, /\r\nconnection: close\r\n/i);
      assert.doesNotMatch(answers[0]!, /keep-alive/i);
      assert.ok(serverEnded, 'the server closed the connection');
    });
  }

  test('an HTTP/1.0 request without keep-alive, streamed: answered with connection: close, and the connection is closed', async () => {
    const path = '/v1/chat/completions';
    const { received, serverEnded } = await twoOnOneConnection(f.server.url, rawPost(path, streamed[path]!, '', '1.0'), rawPost(path, streamed[path]!));
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 1, received.slice(0, 2000));
    assert.match(answers[0]!, /^HTTP\/1\.1 200/);
    assert.match(answers[0]!, /\r\nconnection: close\r\n/i);
    assert.match(answers[0]!, /data: \[DONE\]/);
    assert.ok(serverEnded, 'the server closed the connection');
  });

  test('without Connection: close a streamed answer keeps the connection, and the next request on it is served', async () => {
    const path = '/v1/chat/completions';
    const socket = connect(Number(new URL(f.server.url).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { received += d; });
    try {
      socket.write(rawPost(path, streamed[path]!));
      await until(() => received.includes('\r\n0\r\n\r\n'), 'the first answer complete');
      socket.write(rawPost(path, streamed[path]!));
      await until(() => (received.match(/\r\n0\r\n\r\n/g) ?? []).length === 2, 'the second answer complete');
    } finally {
      socket.destroy();
    }
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    assert.equal(answers.length, 2, received.slice(0, 2000));
    for (const answer of answers) {
      assert.match(answer, /^HTTP\/1\.1 200/);
      assert.match(answer, /\r\nconnection: keep-alive\r\n/i);
    }
  });
});
