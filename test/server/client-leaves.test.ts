import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { generateTestModels, type TestModels } from '../llama-cpp/models.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { until } from '../support/until.js';

const hi = [{ role: 'user', content: 'hi' }];

/** Sends a request and returns the response without reading its body; the caller decides what to do with it. */
function openStream(url: string, path: string, body: unknown): Promise<{ status: number; destroy(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.pause();
      resolve({ status: res.statusCode ?? 0, destroy: () => req.destroy() });
    });
    req.on('error', () => {});
    req.once('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('every request ends and is logged, whatever moment the client leaves', () => {
  const anthropic = new FakeAnthropic();
  const openai = new FakeOpenAI();
  const log = new LogLines();
  let server: TestServer;

  before(async () => {
    const [anthropicUrl, openaiUrl] = [await anthropic.start(), await openai.start()];
    server = await startLingua({
      server: { stream_stall_s: 0.5 },
      providers: [{ name: 'ant', type: 'anthropic', base_url: anthropicUrl }, { name: 'oai', type: 'openai', base_url: openaiUrl }],
      models: [{ name: 'claude', provider: 'ant' }, { name: 'gpt', provider: 'oai' }],
    }, [], { logger: log.logger });
  });
  after(async () => {
    await server.close();
    await anthropic.close();
    await openai.close();
  });

  test('a client gone while Lingua waits for the upstream to start its stream: a 499 line, no request left in flight', async () => {
    // An Anthropic stream takes its input count from the upstream's message_start: the wait is for that first event.
    anthropic.reply = { content: [{ type: 'text', text: 'late' }], usage: { input_tokens: 9, output_tokens: 1 }, delayMs: 1000 };
    const controller = new AbortController();
    const sent = fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', max_tokens: 16, messages: hi, stream: true }),
      signal: controller.signal,
    }).catch(() => undefined);
    setTimeout(() => controller.abort(), 300);
    await sent;
    const [line] = await log.waitForRequests(1, (l) => l.endpoint === 'messages');
    assert.equal(line!.status, 499);
    await until(() => server.lingua.context.inflight.size === 0, 'no request in flight');
  });

  test('a client that leaves while Lingua waits on backpressure is a 499, not a success', async () => {
    openai.reply = { choices: [{ text: 'x'.repeat(16_000_000) }], chunkSize: 16_000, delayMs: 1, usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const before = log.requests.length;
    const stream = await openStream(server.url, '/v1/chat/completions', { model: 'gpt', messages: hi, stream: true });
    assert.equal(stream.status, 200);
    await sleep(300);
    stream.destroy();
    await until(() => log.requests.length > before, 'the log line');
    assert.equal(log.requests.at(-1)!.status, 499);
  });

  test('a client that never reads is cut off after stream_stall_s, and the upstream call is stopped', async () => {
    openai.reply = { choices: [{ text: 'y'.repeat(8_000_000) }], chunkSize: 16_000, delayMs: 2, usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const abortedBefore = openai.aborted;
    const before = log.requests.length;
    const stream = await openStream(server.url, '/v1/chat/completions', { model: 'gpt', messages: hi, stream: true });
    await until(() => log.requests.length > before, 'the log line of the stalled stream');
    const line = log.requests.at(-1)!;
    assert.equal(line.status, 499);
    assert.match(String(line.error), /read nothing|unread/);
    await until(() => openai.aborted > abortedBefore, 'the upstream request to be aborted');
    assert.equal(server.lingua.context.inflight.size, 0);
    stream.destroy();
  });

  test('headers too large: a 431 in the protocol of the path, read by every client before the socket closes', async () => {
    const big = 'a'.repeat(100_000);
    const send = (path: string) => new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
      let answer = '';
      socket.on('data', (d) => { answer += d.toString(); });
      socket.on('error', reject);
      socket.on('close', () => resolve(answer));
      socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-big: ${big}\r\ncontent-length: 2\r\n\r\n{}`);
    });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 === 0 ? '/v1/messages' : '/v1/chat/completions')));
    for (const [i, answer] of answers.entries()) {
      assert.match(answer, /^HTTP\/1\.1 431 /, `answer ${i}`);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, any>;
      if (i % 2 === 0) assert.deepEqual(body, { type: 'error', error: { type: 'invalid_request_error', message: 'Request headers too large.' } });
      else assert.equal(body.error.code, 'headers_too_large');
    }
    // The server still serves.
    const ok = await fetch(`${server.url}/v1/models`);
    assert.equal(ok.status, 200);
  });
});

describe('client aborts on the local engine are 499s', () => {
  let models: TestModels;
  let server: TestServer;
  const log = new LogLines();

  before(async () => {
    models = await generateTestModels();
    server = await startLingua({
      providers: [{ name: 'rnd', type: 'llama-cpp', model: models.random, context_size: 2048, parallel: 2 }],
      models: [{ name: 'random', provider: 'rnd' }],
    }, [], { logger: log.logger });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  test('streams and non-streaming calls aborted at random moments are each logged once as 499; none as an error', async () => {
    const calls = 24;
    // Warm: the first fetch of a process takes a while to connect.
    await (await fetch(`${server.url}/v1/models`)).text();
    await Promise.all(Array.from({ length: calls }, async (_, i) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30 + ((i * 37) % 150));
      try {
        const res = await fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'random', messages: hi, max_tokens: 2000, stream: i % 3 !== 0 }),
          signal: controller.signal,
        });
        await res.text();
      } catch { /* aborted */ }
    }));
    // A call aborted before its request reached the server is no request of the server's; every one that did is a 499.
    await until(() => server.lingua.context.inflight.size === 0, 'no request in flight');
    const lines = log.requests.filter((l) => l.endpoint === 'chat.completions');
    assert.ok(lines.length > 0);
    assert.deepEqual(lines.map((l) => l.status), Array(lines.length).fill(499));
    assert.equal(log.lines.filter((l) => l.msg === 'unexpected error').length, 0);
    await until(() => server.lingua.context.inflight.size === 0, 'no request in flight');
  });
});
