import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { FakeOpenAI, type RecordedRequest } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';

/** Two tokens and their logprobs, as OpenAI's legacy completions return them. */
const TOKENS = [' wor', 'ld'];
const PARTS = TOKENS.map((token, i) => ({
  tokens: [token],
  token_logprobs: [-0.25 * (i + 1)],
  top_logprobs: [{ [token]: -0.25 * (i + 1), ' other': -3.5 - i }],
  text_offset: [5 + 4 * i],
}));
const WHOLE = {
  tokens: TOKENS,
  token_logprobs: PARTS.flatMap((p) => p.token_logprobs),
  top_logprobs: PARTS.flatMap((p) => p.top_logprobs),
  text_offset: PARTS.flatMap((p) => p.text_offset),
};

/** Speaks /v1/completions: logprobs when asked for, one token a chunk when streaming. */
function answer(req: RecordedRequest, res: ServerResponse): void {
  const head = { id: 'cmpl-up', object: 'text_completion', created: 1, model: req.body.model };
  const asked = typeof req.body.logprobs === 'number';
  const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
  if (req.body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    TOKENS.forEach((text, i) => {
      const choice = { text, index: 0, logprobs: asked ? PARTS[i] : null, finish_reason: i === TOKENS.length - 1 ? 'length' : null };
      res.write(`data: ${JSON.stringify({ ...head, choices: [choice] })}\n\n`);
    });
    res.write(`data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ...head, choices: [{ text: TOKENS.join(''), index: 0, logprobs: asked ? WHOLE : null, finish_reason: 'length' }], usage }));
}

let upstream: FakeOpenAI;
let lingua: TestServer;
let client: OpenAI;

before(async () => {
  upstream = new FakeOpenAI();
  upstream.handler = answer;
  const base = await upstream.start();
  lingua = await startLingua({
    providers: [{ name: 'up', type: 'openai', base_url: base }],
    models: [{ name: 'm1', provider: 'up', model: 'up-model' }],
  });
  client = new OpenAI({ baseURL: `${lingua.url}/v1`, apiKey: 'none', maxRetries: 0 });
});

after(async () => {
  await lingua?.close();
  await upstream?.close();
});

async function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${lingua.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('logprobs goes to the upstream and its logprobs object comes back (SDK, not streamed)', async () => {
  const out = await client.completions.create({ model: 'm1', prompt: 'Hello', logprobs: 2 });
  assert.equal(upstream.last.path, '/v1/completions');
  assert.equal(upstream.last.body.logprobs, 2);
  assert.equal(out.choices[0]?.text, ' world');
  assert.deepEqual(out.choices[0]?.logprobs, WHOLE);
});

test('streamed: each chunk carries the logprobs of its own tokens (SDK stream)', async () => {
  const stream = await client.completions.create({ model: 'm1', prompt: 'Hello', logprobs: 1, stream: true });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.equal(upstream.last.body.logprobs, 1);
  const withText = chunks.flatMap((c) => c.choices).filter((c) => c.text !== '');
  assert.deepEqual(withText.map((c) => c.text), TOKENS);
  assert.deepEqual(withText.map((c) => c.logprobs), PARTS);
});

test('without logprobs, the field is not sent and every choice says logprobs: null', async () => {
  const out = await client.completions.create({ model: 'm1', prompt: 'Hello' });
  assert.equal(Object.hasOwn(upstream.last.body, 'logprobs'), false);
  assert.equal(out.choices[0]?.logprobs, null);
});

test('suffix passes to the upstream, streamed or not', async () => {
  await client.completions.create({ model: 'm1', prompt: 'def f(', suffix: '\n    return x' });
  assert.equal(upstream.last.body.suffix, '\n    return x');
  const stream = await client.completions.create({ model: 'm1', prompt: 'def f(', suffix: ')', stream: true });
  for await (const chunk of stream) void chunk;
  assert.equal(upstream.last.body.suffix, ')');
  assert.equal(upstream.last.body.prompt, 'def f(');
});

test('token-id prompts pass to the upstream as they came', async () => {
  await client.completions.create({ model: 'm1', prompt: [15496, 11, 995] });
  assert.deepEqual(upstream.last.body.prompt, [15496, 11, 995]);
  await client.completions.create({ model: 'm1', prompt: [[1, 2], [3]] });
  assert.deepEqual(upstream.last.body.prompt, [[1, 2], [3]]);
});

test('bad logprobs values are a 400 naming logprobs; echo with logprobs a 400 naming echo', async () => {
  const before = upstream.requests.length;
  for (const logprobs of [6, -1, 1.5, 'two']) {
    const res = await post({ model: 'm1', prompt: 'x', logprobs });
    assert.equal(res.status, 400, String(logprobs));
    assert.equal(((await res.json()) as { error: { param: string } }).error.param, 'logprobs');
  }
  const echo = await post({ model: 'm1', prompt: 'x', logprobs: 1, echo: true });
  assert.equal(echo.status, 400);
  assert.equal(((await echo.json()) as { error: { param: string } }).error.param, 'echo');
  assert.equal(upstream.requests.length, before, 'nothing refused reached the upstream');
});
