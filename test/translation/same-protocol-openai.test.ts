import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';

/**
 * OpenAI client → OpenAI-compatible upstream (issue 13 item 2): request
 * fields Lingua does not model reach the upstream, checked by type; the
 * upstream's response fields reach the client, streamed and not. And
 * item 3: those fields never reach a backend of another protocol.
 */

type Json = Record<string, unknown>;

const passedFields = {
  store: true,
  metadata: { a: 'b' },
  service_tier: 'flex',
  prediction: { type: 'content', content: 'const x = 1;' },
  logprobs: true,
  top_logprobs: 2,
  web_search_options: { search_context_size: 'low' },
  verbosity: 'low',
  prompt_cache_key: 'session-42',
  safety_identifier: 'user-hash-9',
} as const;

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'Hi' }] };

const logprobs = { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }] }], refusal: null };
const annotations = [{ type: 'url_citation', url_citation: { url: 'https://example.com', title: 'Example', start_index: 0, end_index: 2 } }];
const audio = { id: 'audio_1', data: 'AAAA', expires_at: 1700003600, transcript: 'Hi' };
const usage = {
  prompt_tokens: 9, completion_tokens: 2, total_tokens: 11,
  prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 1, accepted_prediction_tokens: 1, rejected_prediction_tokens: 0 },
};

function answerWhole(req: RecordedRequest, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({
    id: 'chatcmpl-up', object: 'chat.completion', created: 1700000000, model: req.body.model,
    system_fingerprint: 'fp_123', service_tier: 'flex',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi', refusal: 'I would rather not say more.', annotations, audio }, logprobs, finish_reason: 'stop' }],
    usage,
  }));
}

function answerStream(req: RecordedRequest, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1700000000, model: req.body.model, system_fingerprint: 'fp_123', service_tier: 'flex' };
  const send = (chunk: Json) => res.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
  send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
  send({ choices: [{ index: 0, delta: { content: 'Hi' }, logprobs, finish_reason: null }] });
  send({ choices: [{ index: 0, delta: { refusal: 'No more.' }, logprobs: null, finish_reason: null }] });
  send({ choices: [{ index: 0, delta: { annotations }, logprobs: null, finish_reason: null }] });
  send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
  send({ choices: [], usage });
  res.end('data: [DONE]\n\n');
}

describe('same protocol: OpenAI client → OpenAI-compatible upstream', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f.close());

  for (const stream of [false, true]) {
    test(`request fields reach the upstream as sent (${stream ? 'streamed' : 'whole'})`, async () => {
      f.upstream.handler = stream ? answerStream : answerWhole;
      const body = { ...ask, ...passedFields };
      if (stream) await f.client.chat.completions.create({ ...body, stream: true } as never);
      else await f.client.chat.completions.create(body as never);
      const got = f.upstream.last.body;
      for (const [key, value] of Object.entries(passedFields)) assert.deepEqual(got[key], value, key);
      assert.equal(got.model, 'up-model');
    });
  }

  test('the request fields are checked by type: a wrong one is a 400 naming it, before any upstream call', async () => {
    const before = f.upstream.requests.length;
    for (const [field, value] of [['store', 'yes'], ['service_tier', 'fastest'], ['prediction', { type: 'text' }], ['verbosity', 'loud'], ['prompt_cache_key', 7], ['safety_identifier', {}], ['web_search_options', []]] as const) {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, [field]: value }, { authorization: 'Bearer sk-test-0123456789' });
      assert.equal(res.status, 400, field);
      // The field, or the part of it that is wrong (`prediction.type`).
      assert.match((JSON.parse(res.text) as { error: { param: string } }).error.param, new RegExp(`^${field}\\b`));
    }
    assert.equal(f.upstream.requests.length, before);
  });

  test('response fields reach the client whole: logprobs, refusal, annotations, audio, system_fingerprint, service_tier, usage details', async () => {
    f.upstream.handler = answerWhole;
    const r = await f.client.chat.completions.create(ask);
    const c = r.choices[0]!;
    assert.deepEqual(c.logprobs, logprobs);
    assert.equal(c.message.content, 'Hi');
    assert.equal(c.message.refusal, 'I would rather not say more.');
    assert.deepEqual(c.message.annotations, annotations);
    assert.deepEqual(c.message.audio, audio);
    assert.equal(r.system_fingerprint, 'fp_123');
    assert.equal(r.service_tier, 'flex');
    assert.deepEqual(r.usage, usage);
    assert.equal(r.model, 'm1');
  });

  test('response fields reach the client streamed, chunk by chunk', async () => {
    f.upstream.handler = answerStream;
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    const stream = await f.client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) chunks.push(chunk);
    const withContent = chunks.find((c) => c.choices[0]?.delta.content === 'Hi')!;
    assert.deepEqual(withContent.choices[0]!.logprobs, logprobs);
    assert.equal(withContent.system_fingerprint, 'fp_123');
    assert.equal(withContent.service_tier, 'flex');
    assert.ok(chunks.some((c) => c.choices[0]?.delta.refusal === 'No more.'));
    assert.ok(chunks.some((c) => JSON.stringify((c.choices[0]?.delta as Json | undefined)?.annotations) === JSON.stringify(annotations)));
    assert.deepEqual(chunks.at(-1)!.usage, usage);
    // The SDK's own accumulator reads them back.
    f.upstream.handler = answerStream;
    const final = await f.client.chat.completions.stream({ ...ask, stream_options: { include_usage: true } }).finalChatCompletion();
    assert.equal(final.choices[0]!.message.refusal, 'No more.');
    assert.deepEqual(final.choices[0]!.logprobs?.content, logprobs.content);
  });
});

describe('pass-through fields stay with their protocol (issue 13 item 3)', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test("an OpenAI client's hints are not sent to an Anthropic upstream; the request is served", async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    const r = await f.client.chat.completions.create({ ...ask, store: false, metadata: { a: 'b' }, service_tier: 'auto', prompt_cache_key: 'k', safety_identifier: 's', logprobs: false } as never);
    assert.equal((r as OpenAI.ChatCompletion).choices[0]!.message.content, 'ok');
    const sent = f.upstream.last.body;
    for (const key of ['store', 'metadata', 'service_tier', 'prompt_cache_key', 'safety_identifier', 'logprobs']) assert.equal(key in sent, false, key);
  });

  test("an OpenAI field an Anthropic upstream cannot honour is a 400 naming it, not the upstream's 400", async () => {
    const before = f.upstream.requests.length;
    for (const [field, value] of [['prediction', { type: 'content', content: 'x' }], ['logprobs', true], ['web_search_options', {}], ['my_vendor_flag', 1]] as const) {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, [field]: value }, { authorization: 'Bearer sk-test-0123456789' });
      assert.equal(res.status, 400, field);
      assert.equal((JSON.parse(res.text) as { error: { param: string } }).error.param, field);
    }
    assert.equal(f.upstream.requests.length, before);
  });
});

describe('Ling search extensions on a native_search Anthropic upstream', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture({ provider: { native_search: true } }); });
  after(() => f.close());

  test('enable_search and search_options are sent (Lingua does not search for it); OpenAI hints still are not', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'searched natively' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await f.client.chat.completions.create({ ...ask, enable_search: true, search_options: { forced_search: true }, store: true } as never);
    const sent = f.upstream.last.body;
    assert.equal(sent.enable_search, true);
    assert.deepEqual(sent.search_options, { forced_search: true });
    assert.equal('store' in sent, false);
  });
});

describe('Anthropic-only fields in front of an OpenAI-compatible upstream', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f.close());

  test('mcp_servers and container are refused naming them; hints (service_tier, cache_control) are not sent', async () => {
    const headers = { 'x-api-key': 'sk-test-0123456789', 'anthropic-version': '2023-06-01' };
    const base = { model: 'm1', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] };
    for (const [field, value] of [['mcp_servers', [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }]], ['container', 'container_1']] as const) {
      const res = await postRaw(`${f.server.url}/v1/messages`, { ...base, [field]: value }, headers);
      assert.equal(res.status, 400, field);
      assert.match(res.text, new RegExp(field));
    }
    f.upstream.handler = undefined;
    const ok = await postRaw(`${f.server.url}/v1/messages`, { ...base, service_tier: 'auto', system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral' } }] }, headers);
    assert.equal(ok.status, 200);
    assert.equal('service_tier' in f.upstream.last.body, false);
    assert.deepEqual(f.upstream.last.body.messages, [{ role: 'system', content: 'S' }, { role: 'user', content: 'Hi' }]);
  });
});
