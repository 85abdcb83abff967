import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startLingua, type TestServer } from '../support/lingua.js';

/** A tiny upstream speaking /v1/completions over real HTTP; keeps the bodies it received. */
let upstream: Server;
const received: Array<Record<string, unknown>> = [];
let lingua: TestServer;

before(async () => {
  upstream = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => { data += c.toString(); });
    req.on('end', () => {
      const body = JSON.parse(data) as Record<string, unknown>;
      received.push({ path: req.url, ...body });
      const head = { id: 'cmpl-up', object: 'text_completion', created: 1, model: 'up-model' };
      if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ ...head, choices: [{ text: ' wor', index: 0, logprobs: null, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...head, choices: [{ text: 'ld', index: 0, logprobs: null, finish_reason: 'length' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...head, choices: [], usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...head, choices: [{ text: ' world', index: 0, logprobs: null, finish_reason: 'length' }], usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  lingua = await startLingua({
    providers: [
      { name: 'up', type: 'openai', base_url: `http://127.0.0.1:${port}/v1` },
      { name: 'claude', type: 'anthropic', base_url: `http://127.0.0.1:${port}`, api_key: 'x' },
    ],
    models: [{ name: 'm1', provider: 'up', model: 'up-model' }, { name: 'c1', provider: 'claude', model: 'claude-x' }],
  });
});

after(async () => {
  await lingua.close();
  await new Promise((r) => upstream.close(r));
});

test('a completion passes to the upstream /v1/completions with the raw prompt, and its fields come back', async () => {
  const client = new OpenAI({ baseURL: `${lingua.url}/v1`, apiKey: 'none' });
  const out = await client.completions.create({ model: 'm1', prompt: 'Hello', suffix: '!', temperature: 0.5, seed: 3, stop: ['\n'] });
  const sent = received.at(-1)!;
  assert.equal(sent.path, '/v1/completions');
  assert.equal(sent.prompt, 'Hello');
  assert.equal(sent.suffix, '!');
  assert.equal(sent.max_tokens, 16);
  assert.equal(sent.model, 'up-model');
  assert.equal(sent.messages, undefined);
  assert.equal(out.object, 'text_completion');
  assert.match(out.id, /^cmpl-/);
  assert.equal(out.choices[0]?.text, ' world');
  assert.equal(out.choices[0]?.finish_reason, 'length');
  assert.deepEqual(out.usage, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
});

test('streaming: text_completion chunks, usage when asked, then [DONE]; echo prepends the prompt', async () => {
  const res = await fetch(`${lingua.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm1', prompt: 'Hello', stream: true, echo: true, stream_options: { include_usage: true } }),
  });
  assert.equal(res.status, 200);
  const frames = (await res.text()).split('\n\n').filter((f) => f !== '');
  assert.equal(frames.at(-1), 'data: [DONE]');
  const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice('data: '.length)) as { object: string; choices: Array<{ text: string; finish_reason: string | null }>; usage?: unknown });
  assert.ok(chunks.every((c) => c.object === 'text_completion'));
  assert.equal(chunks.flatMap((c) => c.choices.map((x) => x.text)).join(''), 'Hello world');
  assert.equal(chunks.flatMap((c) => c.choices).at(-1)?.finish_reason, 'length');
  assert.deepEqual(chunks.at(-1)?.usage, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  assert.equal(received.at(-1)?.echo, undefined);
});

test('bad input is a 400 naming the field; an Anthropic-backed model is refused naming model', async () => {
  const bad = await fetch(`${lingua.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm1', prompt: 'x', temperature: 'hot' }) });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { param: string } }).error.param, 'temperature');
  const claude = await fetch(`${lingua.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'c1', prompt: 'x' }) });
  assert.equal(claude.status, 400);
  assert.equal(((await claude.json()) as { error: { param: string } }).error.param, 'model');
});
