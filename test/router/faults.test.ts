import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RouterState } from '../../src/router/router.js';
import { completion, streamReply, type RecordedRequest } from '../support/fake-openai.js';
import { message as anthropicMessage, sendError as anthropicError } from '../support/fake-anthropic.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { API_KEY, ask, FaultyAnthropic, FaultyOpenAI, protocols, statusFault, type FaultAction, type Protocol } from './routing-fixture.js';

/**
 * Fault injection: an upstream that fails some requests in each way
 * upstreams fail, for every client protocol, streaming and not. A fault
 * before the first byte reaches the client is retried and the request
 * served; a fault after it, or one that lasts, is a clear error in the
 * caller's shape (never a 5xx without a body, never a hang, never a
 * silent cut). Retries, fallbacks and cooldowns are read from the
 * router's state.
 */

const hello = 'Hello from the fake upstream.';
const sse = { 'content-type': 'text/event-stream' };

function chunk(req: RecordedRequest, delta: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
}

const isStream = (req: RecordedRequest) => req.body.stream === true;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HTTP status a lasting fault is answered with, by protocol (Anthropic says 529 for "unavailable"). */
type Status = number | ((p: Protocol) => number);

interface Fault {
  name: string;
  action: FaultAction;
  /** A lasting fault's status; `partial` (streams): a 200 whose stream ends with an error frame after some text. */
  lasting: { whole: Status | 'served'; stream: Status | 'served' | 'partial' };
  /** The protocols the lasting fault is tried with (default: all). */
  lastingIn?: readonly Protocol[];
}

const faults: Fault[] = [
  { name: 'HTTP 500', action: statusFault(500), lasting: { whole: 502, stream: 502 } },
  { name: 'HTTP 503', action: statusFault(503), lasting: { whole: (p) => (p === 'anthropic' ? 529 : 503), stream: (p) => (p === 'anthropic' ? 529 : 503) } },
  { name: 'HTTP 529', action: statusFault(529), lasting: { whole: 529, stream: 529 } },
  { name: 'HTTP 429 with retry-after', action: statusFault(429, { 'retry-after': '0' }), lasting: { whole: 429, stream: 429 } },
  { name: 'HTTP 408', action: statusFault(408), lasting: { whole: 408, stream: 408 } },
  { name: 'a reset before the headers', action: (_req, res) => { res.socket!.destroy(); }, lasting: { whole: 502, stream: 502 } },
  {
    name: 'a reset after the headers',
    action: (req, res) => {
      if (isStream(req)) res.writeHead(200, sse);
      else res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write(isStream(req) ? ': open\n\n' : '{"id":');
      setTimeout(() => res.socket?.destroy(), 10);
    },
    lasting: { whole: 502, stream: 502 },
  },
  // Lasting, each attempt waits out timeout_s: one protocol is enough.
  { name: 'a hang (no answer within timeout_s)', action: () => {}, lasting: { whole: 504, stream: 504 }, lastingIn: ['anthropic'] },
  {
    name: 'a slow drip (within the bounds: served, not cut)',
    action: async (req, res) => {
      if (isStream(req)) return streamReply({ choices: [{ text: hello }], chunkSize: 10, delayMs: 40 }, req, res);
      const text = JSON.stringify(completion({ choices: [{ text: hello }] }, req));
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 4; i++) {
        res.write(text.slice((i * text.length) / 4, ((i + 1) * text.length) / 4));
        await sleep(40);
      }
      res.end();
    },
    lasting: { whole: 'served', stream: 'served' },
  },
  {
    name: 'malformed JSON',
    action: (req, res) => {
      res.writeHead(200, isStream(req) ? sse : { 'content-type': 'application/json' });
      res.end(isStream(req) ? 'data: {"id": "c", "choices": [\n\n' : '{"id": "c", "choices": [');
    },
    lasting: { whole: 502, stream: 502 },
  },
  {
    name: 'malformed SSE',
    action: (_req, res) => {
      res.writeHead(200, sse);
      res.end('event: chunk\nthis line is no field\n\ndata\n\n');
    },
    lasting: { whole: 502, stream: 502 },
  },
  {
    name: 'a stream cut after some text, without [DONE]',
    action: (req, res) => {
      if (!isStream(req)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":"Hel');
        return;
      }
      res.writeHead(200, sse);
      res.write(chunk(req, { role: 'assistant', content: '' }));
      res.end(chunk(req, { content: 'Hel' }));
    },
    lasting: { whole: 502, stream: 'partial' },
  },
  {
    name: 'a stream cut before any text',
    action: (req, res) => {
      res.writeHead(200, isStream(req) ? sse : { 'content-type': 'application/json' });
      res.end(isStream(req) ? chunk(req, { role: 'assistant', content: '' }) : '');
    },
    lasting: { whole: 502, stream: 502 },
  },
  {
    name: 'the wrong content type',
    action: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    },
    lasting: { whole: 502, stream: 502 },
  },
  {
    name: 'a 200 whose body is an error',
    action: (req, res) => {
      res.writeHead(200, isStream(req) ? sse : { 'content-type': 'application/json' });
      const error = JSON.stringify({ error: { message: 'model overloaded, try later', type: 'server_error' } });
      res.end(isStream(req) ? `data: ${error}\n\n` : error);
    },
    lasting: { whole: 502, stream: 502 },
  },
];

const statusFor = (s: Status, p: Protocol) => (typeof s === 'function' ? s(p) : s);

describe('fault injection: an OpenAI-compatible upstream', () => {
  const upstream = new FaultyOpenAI();
  const backup = new FaultyOpenAI();
  const logs = new LogLines();
  let server: TestServer;
  const state = (): RouterState => server.lingua.context.router.state();
  const model = (name: string) => state().models.find((m) => m.name === name)!;

  before(async () => {
    const base = { type: 'openai', timeout_s: 0.5, stream_idle_timeout_s: 0.5 };
    server = await startLingua({
      keys: [{ name: 'k', key: API_KEY }],
      providers: [{ name: 'up', base_url: await upstream.start(), ...base }, { name: 'backup', base_url: await backup.start(), ...base }],
      models: [
        { name: 'm', provider: 'up', model: 'up-m', cooldown: { failures: 0 } },
        // The same upstream, behind a breaker, falling back to another.
        { name: 'guarded', provider: 'up', model: 'up-guarded', fallbacks: ['spare'], cooldown: { failures: 3, window_s: 60, duration_s: 60 } },
        { name: 'spare', provider: 'backup' },
      ],
      routing: { max_retries: 1, backoff_base_ms: 1, backoff_max_ms: 5 },
    }, [], { logger: logs.logger });
  });
  after(async () => {
    await server.close();
    await upstream.close();
    await backup.close();
  });

  for (const fault of faults) {
    test(`${fault.name}, once: retried and served, or (after the first byte) an error frame`, async () => {
      for (const protocol of protocols) {
        for (const stream of [false, true]) {
          const what = `${protocol}, ${stream ? 'streaming' : 'whole'}`;
          const requests = upstream.requests.length;
          const retries = model('m').counters.retries;
          upstream.failWith(fault.action, 1);
          const answer = await ask(server.url, protocol, { model: 'm', stream });
          const partial = stream && fault.lasting.stream === 'partial';
          const served = (stream ? fault.lasting.stream : fault.lasting.whole) === 'served';
          if (partial) {
            assert.equal(answer.status, 200, what);
            assert.equal(answer.text, 'Hel', what);
            assert.equal(answer.ended, 'error', `${what}: the cut is said, not silent`);
            assert.match(answer.error!.message, /ended the stream before it finished/, what);
          } else {
            assert.equal(answer.status, 200, `${what}: ${answer.error?.message}`);
            assert.equal(answer.ended, 'complete', what);
            assert.equal(answer.text, hello, what);
          }
          const attempts = partial || served ? 1 : 2;
          assert.equal(upstream.requests.length - requests, attempts, what);
          assert.equal(model('m').counters.retries - retries, attempts - 1, `${what}: the retry is counted`);
          const line = (await logs.waitForRequests(1, (l) => l.reqId !== undefined)).at(-1)!;
          assert.equal(line.attempts, attempts, `${what}: attempts in the log line`);
        }
      }
    });

    test(`${fault.name}, lasting: ${fault.lasting.whole === 'served' ? 'served' : 'a clear error in the caller\'s shape'}`, async () => {
      upstream.failWith(fault.action, Infinity);
      try {
        for (const protocol of fault.lastingIn ?? protocols) {
          for (const stream of [false, true]) {
            const what = `${protocol}, ${stream ? 'streaming' : 'whole'}`;
            const requests = upstream.requests.length;
            const answer = await ask(server.url, protocol, { model: 'm', stream });
            const expected = stream ? fault.lasting.stream : fault.lasting.whole;
            if (expected === 'served') {
              assert.equal(answer.text, hello, what);
              assert.equal(upstream.requests.length - requests, 1, what);
              continue;
            }
            if (expected === 'partial') {
              assert.equal(answer.ended, 'error', what);
              assert.equal(upstream.requests.length - requests, 1, `${what}: no retry after the first byte`);
              continue;
            }
            assert.equal(answer.status, statusFor(expected, protocol), `${what}: ${answer.error?.message}`);
            assert.equal(answer.ended, 'error', what);
            assert.ok(answer.error!.message.length > 0, what);
            if (expected === 429) assert.ok(answer.headers.get('retry-after'), `${what}: retry-after kept`);
            assert.equal(upstream.requests.length - requests, 2, `${what}: tried again once (max_retries 1)`);
          }
        }
      } finally {
        upstream.heal();
      }
    });
  }

  test('lasting faults behind a breaker: the fallback serves every request, the target cools down and is then skipped', async () => {
    const before = model('guarded');
    const lasting = faults.filter((f) => f.lasting.stream !== 'served' && f.lasting.stream !== 'partial' && !f.name.startsWith('a hang'));
    upstream.failWith(statusFault(503), Infinity);
    try {
      for (const protocol of protocols) {
        const answer = await ask(server.url, protocol, { model: 'guarded', stream: true });
        assert.equal(answer.text, hello, protocol);
      }
      const guarded = model('guarded');
      assert.equal(guarded.targets[0]!.health, 'cooling');
      assert.equal(guarded.targets[0]!.counters.cooldownsOpened, 1);
      assert.equal(guarded.counters.fallbacks - before.counters.fallbacks, 3);
      assert.ok(state().totals.cooldownsOpened >= 1);
      const requests = upstream.requests.length;
      for (const fault of lasting) {
        upstream.failWith(fault.action, Infinity);
        const answer = await ask(server.url, 'openai', { model: 'guarded', stream: false });
        assert.equal(answer.text, hello, fault.name);
      }
      assert.equal(upstream.requests.length, requests, 'a cooling target gets no request');
      assert.equal(backup.served, 3 + lasting.length);
    } finally {
      upstream.heal();
    }
  });
});

describe('fault injection: an Anthropic upstream', () => {
  const upstream = new FaultyAnthropic();
  let server: TestServer;
  const messageStart = (req: RecordedRequest) => `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { ...anthropicMessage({ content: [] }, req), stop_reason: null } })}\n\n`;

  const anthropicFaults: Fault[] = [
    { name: 'overloaded_error (HTTP 529)', action: (_req, res) => anthropicError(res, 529, 'overloaded_error', 'Overloaded'), lasting: { whole: 529, stream: 529 } },
    {
      name: 'an error event before any content',
      action: (req, res) => {
        if (!isStream(req)) return anthropicError(res, 500, 'api_error', 'Internal server error');
        res.writeHead(200, sse);
        res.end(`${messageStart(req)}event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`);
      },
      lasting: { whole: 502, stream: 529 },
    },
    {
      name: 'a stream cut after some text, without message_stop',
      action: (req, res) => {
        if (!isStream(req)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":"msg_x","type":"message","content":[{"type":"text","text":"Hel');
          return;
        }
        res.writeHead(200, sse);
        res.write(messageStart(req));
        res.write(`event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
        res.end(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } })}\n\n`);
      },
      lasting: { whole: 502, stream: 'partial' },
    },
  ];

  before(async () => {
    upstream.reply = { content: [{ type: 'text', text: hello }], usage: { input_tokens: 5, output_tokens: 6 } };
    server = await startLingua({
      keys: [{ name: 'k', key: API_KEY }],
      providers: [{ name: 'claude', type: 'anthropic', base_url: await upstream.start(), api_key: 'k', timeout_s: 2 }],
      models: [{ name: 'm', provider: 'claude', cooldown: { failures: 0 } }],
      routing: { max_retries: 1, backoff_base_ms: 1, backoff_max_ms: 5 },
    });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const calls = () => upstream.requests.filter((r) => r.path.endsWith('/messages')).length;

  for (const fault of anthropicFaults) {
    test(`${fault.name}: once, retried and served (or an error frame after the first byte); lasting, a clear error`, async () => {
      for (const protocol of protocols) {
        for (const stream of [false, true]) {
          const what = `${protocol}, ${stream ? 'streaming' : 'whole'}`;
          const partial = stream && fault.lasting.stream === 'partial';
          let start = calls();
          upstream.failWith(fault.action, 1);
          const once = await ask(server.url, protocol, { model: 'm', stream });
          if (partial) {
            assert.equal(once.text, 'Hel', what);
            assert.equal(once.ended, 'error', what);
          } else {
            assert.equal(once.text, hello, `${what}: ${once.error?.message}`);
            assert.equal(once.ended, 'complete', what);
          }
          assert.equal(calls() - start, partial ? 1 : 2, what);

          start = calls();
          upstream.failWith(fault.action, Infinity);
          const lasting = await ask(server.url, protocol, { model: 'm', stream });
          upstream.failWith(() => {}, 0);
          assert.equal(lasting.ended, 'error', what);
          if (!partial) {
            const expected = statusFor((stream ? fault.lasting.stream : fault.lasting.whole) as Status, protocol);
            assert.equal(lasting.status, expected, `${what}: ${lasting.error?.message}`);
            assert.equal(calls() - start, 2, what);
          }
        }
      }
    });
  }
});
