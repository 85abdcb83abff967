import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { configSchema } from '../../src/config/schema.js';
import { FakeAnthropic, sendError } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { API_KEY } from '../support/openai-fixture.js';

// Issue 13 item 4: what a backend lacks is dropped or clamped and told (`adapt`), or refused (`strict`).

const hi = [{ role: 'user' as const, content: 'Hi' }];
/** Every OpenAI sampling hint the Messages API has no field for, and a temperature past its maximum of 1. */
const openAIHints = { seed: 7, presence_penalty: 0.5, frequency_penalty: -0.5, logit_bias: { '42': 3 }, temperature: 2 };
const allAdapted = 'seed dropped; presence_penalty dropped; frequency_penalty dropped; logit_bias dropped; temperature 2->1';

describe('unsupported parameters: adapt (the default) and strict', () => {
  const anthropic = new FakeAnthropic();
  const openai = new FakeOpenAI();
  /** An Anthropic upstream that fails every call (503): the first tier of `failover`. */
  const failing = new FakeAnthropic();
  const logs = new LogLines();
  let server: TestServer;
  let oa: OpenAI;
  let an: Anthropic;

  before(async () => {
    const [anthropicUrl, openaiUrl, failingUrl] = await Promise.all([anthropic.start(), openai.start(), failing.start()]);
    failing.handler = (_req, res) => sendError(res, 503, 'overloaded_error', 'Overloaded');
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      // The global default is adapt; `claude-strict` says otherwise for itself.
      providers: [
        { name: 'ant', type: 'anthropic', base_url: anthropicUrl, count_tokens: false },
        { name: 'oai', type: 'openai', base_url: openaiUrl },
        { name: 'vllm', type: 'openai', base_url: openaiUrl, accepts_top_k: true },
        { name: 'down', type: 'anthropic', base_url: failingUrl, count_tokens: false },
      ],
      models: [
        { name: 'claude', provider: 'ant', model: 'claude-up' },
        { name: 'claude-strict', provider: 'ant', model: 'claude-up', unsupported_params: 'strict' },
        { name: 'ling', provider: 'ant', model: 'ling-up', params: { temperature: { min: 0, max: 0.8 } } },
        { name: 'gpt', provider: 'oai', model: 'gpt-up' },
        { name: 'gpt-strict', provider: 'oai', model: 'gpt-up', unsupported_params: 'strict' },
        { name: 'qwen', provider: 'vllm', model: 'qwen-up' },
        // Tier 1 (Anthropic, which would drop the seed) fails; tier 2 (OpenAI, which takes it) serves.
        { name: 'failover', targets: [{ provider: 'down', model: 'x', tier: 1 }, { provider: 'oai', model: 'gpt-up', tier: 2 }], cooldown: { failures: 100 } },
      ],
      routing: { backoff_base_ms: 0, backoff_max_ms: 0 },
    }, [], { logger: logs.logger });
    oa = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    an = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => { await server.close(); await Promise.all([anthropic.close(), openai.close(), failing.close()]); });

  test('the config default is adapt', () => {
    assert.equal(configSchema.parse({}).unsupported_params, 'adapt');
  });

  test('adapt, OpenAI client on an Anthropic backend: hints dropped, temperature clamped, all of it in one header and the log line', async () => {
    const { data, response } = await oa.chat.completions.create({ model: 'claude', messages: hi, ...openAIHints }).withResponse();
    assert.equal(data.choices[0]!.message.content, 'Hello from the fake Anthropic upstream.');
    assert.equal(response.headers.get('x-lingua-adapted'), allAdapted);
    const body = anthropic.last.body;
    assert.equal(body.temperature, 1);
    for (const field of ['seed', 'presence_penalty', 'frequency_penalty', 'logit_bias']) assert.equal(body[field], undefined, field);
    const requestId = response.headers.get('x-request-id');
    const [line] = await logs.waitForRequests(1, (l) => l.reqId === requestId);
    assert.equal(line!.adapted, allAdapted);
  });

  test('adapt, streamed: the same header on the event stream', async () => {
    const { data: stream, response } = await oa.chat.completions.create({ model: 'claude', messages: hi, stream: true, ...openAIHints }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Hello from the fake Anthropic upstream.');
    assert.equal(response.headers.get('x-lingua-adapted'), allAdapted);
    assert.equal(anthropic.last.body.stream, true);
    assert.equal(anthropic.last.body.temperature, 1);
  });

  test('nothing to adapt (neutral penalties, an empty logit_bias, a temperature in range): no header', async () => {
    const ask = { model: 'claude', messages: hi, presence_penalty: 0, frequency_penalty: 0, logit_bias: {}, temperature: 0.7 };
    const whole = await oa.chat.completions.create(ask).withResponse();
    assert.equal(whole.response.headers.get('x-lingua-adapted'), null);
    assert.equal(anthropic.last.body.temperature, 0.7);
    const streamed = await oa.chat.completions.create({ ...ask, stream: true }).withResponse();
    for await (const _ of streamed.data) { /* drain */ }
    assert.equal(streamed.response.headers.get('x-lingua-adapted'), null);
  });

  test('strict: a 400 naming the field, nothing sent upstream', async () => {
    const before = anthropic.requests.length;
    for (const [field, value] of Object.entries(openAIHints)) {
      const error = await oa.chat.completions.create({ model: 'claude-strict', messages: hi, [field]: value }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof OpenAI.BadRequestError, field);
      assert.equal(error.param, field);
      assert.match(error.message, new RegExp(`'${field}'.*Anthropic Messages API`));
    }
    assert.equal(anthropic.requests.length, before);
  });

  test("a model's params range stays a hard limit under adapt", async () => {
    const error = await oa.chat.completions.create({ model: 'ling', messages: hi, temperature: 0.9 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.param, 'temperature');
  });

  test('Anthropic client on an OpenAI upstream: top_k dropped and told; strict refuses it; an upstream that takes top_k gets it', async () => {
    const ask = { max_tokens: 20, messages: hi, top_k: 40 };
    const adapted = await an.messages.create({ ...ask, model: 'gpt' }).withResponse();
    assert.equal(adapted.response.headers.get('x-lingua-adapted'), 'top_k dropped');
    assert.equal(openai.last.body.top_k, undefined);
    // Streamed to an Anthropic client (whose stream waits for the input count before its headers).
    const streamed = await an.messages.create({ ...ask, model: 'gpt', stream: true }).withResponse();
    for await (const _ of streamed.data) { /* drain */ }
    assert.equal(streamed.response.headers.get('x-lingua-adapted'), 'top_k dropped');
    assert.equal(openai.last.body.stream, true);

    const error = await an.messages.create({ ...ask, model: 'gpt-strict' }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Anthropic.BadRequestError);
    assert.match(error.message, /'top_k'.*OpenAI-compatible/);

    const taken = await an.messages.create({ ...ask, model: 'qwen' }).withResponse();
    assert.equal(taken.response.headers.get('x-lingua-adapted'), null);
    assert.equal(openai.last.body.top_k, 40);
  });

  test('a retry on another deployment: the header tells what the deployment that served changed', async () => {
    const tried = failing.requests.length;
    const { response } = await oa.chat.completions.create({ model: 'failover', messages: hi, seed: 7 }).withResponse();
    assert.equal(failing.requests.length, tried + 1, 'the Anthropic tier was tried first');
    assert.equal(openai.last.body.seed, 7);
    assert.equal(response.headers.get('x-lingua-adapted'), null);
  });
});
