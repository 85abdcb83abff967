import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { openAIFixture, postRaw, sseData, type OpenAIFixture } from '../support/openai-fixture.js';
import { startLingua } from '../support/lingua.js';

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('upstream failures', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture({ provider: { timeout_s: 0.5, stream_idle_timeout_s: 0.5 } }); });
  after(() => f.close());

  test('upstream 4xx is relayed with its status, message and param', async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'top_k must be positive', type: 'BadRequestError', param: 'top_k', code: 'bad_param' } }));
    };
    try {
      await assert.rejects(f.client.chat.completions.create(ask), (e: { status: number; message: string; param: string }) =>
        e.status === 422 && e.message.includes('top_k must be positive') && e.param === 'top_k');
    } finally { f.upstream.handler = undefined; }
  });

  test('upstream 5xx → 502, never echoing upstream credentials', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(500); res.end('boom'); };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
      assert.equal(res.status, 502);
      const body = JSON.parse(res.text);
      assert.match(body.error.message, /HTTP 500/);
      assert.ok(!res.text.includes('upstream-secret-key'));
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream message that echoes the upstream key reaches the client with the key redacted', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad request from ${req.headers.authorization} (key upstream-secret-key)`, param: 'messages' } }));
    };
    try {
      for (const stream of [false, true]) {
        const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream });
        assert.equal(res.status, 400);
        assert.ok(!res.text.includes('upstream-secret-key'), res.text);
        assert.equal(JSON.parse(res.text).error.message, 'bad request from [redacted] (key [redacted])');
      }
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream error chunk mid-stream that echoes the key is redacted too', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'so far' }, finish_reason: null }] })}\n\n`);
      res.end(`data: ${JSON.stringify({ error: { message: 'quota exceeded for key upstream-secret-key' } })}\n\n`);
    };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes('upstream-secret-key'), res.text);
      assert.match(JSON.parse(sseData(res.text).at(-1)!).error.message, /quota exceeded for key \[redacted\]/);
    } finally { f.upstream.handler = undefined; }
  });

  test('upstream 401/403 (this server\'s upstream key refused) → 502, not a 401 that blames the client\'s key', async () => {
    for (const status of [401, 403]) {
      f.upstream.handler = (_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Incorrect API key provided: upstream-secret-key', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      };
      try {
        await assert.rejects(f.client.chat.completions.create(ask), (e: { status: number; message: string }) =>
          e.status === 502 && e.message.includes(`upstream provider 'up' refused this server's credentials (HTTP ${status})`)
          && e.message.includes('Incorrect API key provided: [redacted]') && !e.message.includes('upstream-secret-key'));
        const streamed = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
        assert.equal(streamed.status, 502);
        assert.equal(JSON.parse(streamed.text).error.code, 'upstream_credentials_refused');
      } finally { f.upstream.handler = undefined; }
    }
  });

  test('upstream 429 keeps its status (retryable by the client)', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json' }); res.end('{"error":{"message":"slow down"}}'); };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
      assert.equal(res.status, 429);
      assert.equal(JSON.parse(res.text).error.message, 'slow down');
    } finally { f.upstream.handler = undefined; }
  });

  test('non-streaming upstream slower than timeout_s → 504', async () => {
    f.upstream.handler = () => { /* never answers */ };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
      assert.equal(res.status, 504);
      assert.equal(JSON.parse(res.text).error.type, 'timeout_error');
    } finally { f.upstream.handler = undefined; }
  });

  test('a streaming upstream that goes silent mid-stream ends the stream with an error event', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'partial' }, finish_reason: null }] })}\n\n`);
      // then silence, longer than stream_idle_timeout_s
    };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      assert.equal(res.status, 200);
      const frames = sseData(res.text);
      assert.equal(JSON.parse(frames[1]!).choices[0].delta.content, 'partial');
      const last = JSON.parse(frames.at(-1)!);
      assert.equal(last.error.type, 'timeout_error');
      assert.ok(!res.text.includes('[DONE]'));
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream that drops the connection mid-stream → an error event the SDK raises', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'half' }, finish_reason: null }] })}\n\n`);
      setTimeout(() => res.destroy(), 20);
    };
    try {
      const stream = await f.client.chat.completions.create({ ...ask, stream: true });
      let text = '';
      await assert.rejects(async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      }, (e: Error) => /upstream/.test(e.message));
      assert.equal(text, 'half');
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream stream that ends without finish_reason is an error, not a silent cut', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'cut' }, finish_reason: null }] })}\n\ndata: [DONE]\n\n`);
    };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      const last = JSON.parse(sseData(res.text).at(-1)!);
      assert.match(last.error.message, /ended the stream before it finished/);
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream error before the first byte of a stream gets its own HTTP status', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(400, { 'content-type': 'application/json' }); res.end('{"error":{"message":"bad messages","param":"messages"}}'); };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      assert.equal(res.status, 400);
      assert.equal(JSON.parse(res.text).error.param, 'messages');
    } finally { f.upstream.handler = undefined; }
  });
});

describe('unreachable upstream', () => {
  test('connection refused → 502 naming the provider', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const server = await startLingua({
      providers: [{ name: 'gone', type: 'openai', base_url: `http://127.0.0.1:${port}/v1` }],
      models: [{ name: 'm1', provider: 'gone' }],
    });
    try {
      const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(ask), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 502);
      const body = await res.json() as { error: { message: string; type: string } };
      assert.match(body.error.message, /could not reach upstream provider 'gone'/);
    } finally { await server.close(); }
  });
});
