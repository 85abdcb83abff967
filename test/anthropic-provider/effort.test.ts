import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { ChatRequest, Message } from '../../src/canonical/index.js';
import { AnthropicProvider, anthropicProviderSchema } from '../../src/providers/anthropic/provider.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { ThinkingCheckingAnthropic } from '../support/thinking-checking-anthropic.js';

const hello = { role: 'user' as const, content: 'Hello' };

/** Issue 13 item 9: effort and adaptive thinking from Anthropic clients, in front of an Anthropic upstream. */
describe('output_config.effort and adaptive thinking (Anthropic client, Anthropic upstream)', () => {
  const upstream = new ThinkingCheckingAnthropic();
  let server: TestServer;
  let client: Anthropic;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start() }],
      models: [{ name: 'a1', provider: 'anth', model: 'claude-up' }],
    });
    client = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    upstream.reply = { content: [{ type: 'text', text: 'Hi.' }], usage: { input_tokens: 5, output_tokens: 2 } };
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('effort alone with a small max_tokens: no thinking is switched on, the effort reaches the upstream, no 400', async () => {
    const m = await client.messages.create({ model: 'a1', max_tokens: 512, output_config: { effort: 'low' }, messages: [hello] });
    assert.equal(m.content[0]?.type === 'text' ? m.content[0].text : undefined, 'Hi.');
    const body = upstream.last.body;
    assert.deepEqual(body.output_config, { effort: 'low' });
    assert.equal(body.thinking, undefined);
    assert.equal(body.max_tokens, 512);
  });

  test('effort alone with a large max_tokens, streamed: still no thinking, max_tokens as the client sent it', async () => {
    const stream = client.messages.stream({ model: 'a1', max_tokens: 20000, output_config: { effort: 'high' }, messages: [hello] });
    assert.equal((await stream.finalMessage()).stop_reason, 'end_turn');
    const body = upstream.last.body;
    assert.deepEqual(body.output_config, { effort: 'high' });
    assert.equal(body.thinking, undefined);
    assert.equal(body.max_tokens, 20000);
    assert.equal(body.stream, true);
  });

  test('adaptive thinking goes as adaptive: no budget is made up that could take the whole max_tokens', async () => {
    await client.messages.create({ model: 'a1', max_tokens: 2000, thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, messages: [hello] });
    const body = upstream.last.body;
    assert.deepEqual(body.thinking, { type: 'adaptive' });
    assert.deepEqual(body.output_config, { effort: 'medium' });
    assert.equal(body.max_tokens, 2000);
  });

  test('structured output with thinking: output_config.format and thinking both reach the upstream, no forced tool', async () => {
    const schema = { type: 'object' as const, properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    upstream.reply = { content: [{ type: 'thinking', thinking: 'Short.', signature: 'sig-1' }, { type: 'text', text: '{"answer":"hi"}' }], usage: { input_tokens: 5, output_tokens: 9 } };
    const m = await client.messages.create({
      model: 'a1', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 1024 },
      output_config: { format: { type: 'json_schema', schema } }, messages: [hello],
    });
    assert.deepEqual(m.content.map((b) => b.type), ['thinking', 'text']);
    assert.equal(m.content[1]?.type === 'text' ? m.content[1].text : undefined, '{"answer":"hi"}');
    const body = upstream.last.body;
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema } });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 1024 });
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
    upstream.reply = { content: [{ type: 'text', text: 'Hi.' }], usage: { input_tokens: 5, output_tokens: 2 } };
  });
});

/**
 * Reasoning asked for without an effort or a budget (canonical `reasoning: {}`,
 * Anthropic's `adaptive` once decoded) on a body Lingua builds: the budget
 * leaves the answer its share of max_tokens (map-thinking.ts, `answerShare`).
 */
describe('adaptive reasoning on a body Lingua builds', () => {
  const upstream = new ThinkingCheckingAnthropic();
  let provider: AnthropicProvider;

  before(async () => {
    provider = new AnthropicProvider(anthropicProviderSchema.parse({ name: 'anth', type: 'anthropic', base_url: await upstream.start() }));
    upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
  });
  after(async () => {
    await provider.close();
    await upstream.close();
  });

  const ask = (maxTokens: number): ChatRequest => ({
    model: 'm1', messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] } satisfies Message],
    stream: false, includeUsage: false, n: 1, extra: {}, maxTokens, reasoning: {},
  });
  const send = async (req: ChatRequest): Promise<void> => {
    for await (const _ of provider.stream({ request: req, model: 'claude-up', signal: new AbortController().signal })) { /* drained */ }
  };

  test('the answer keeps a quarter of max_tokens (at least 1024); the budget never exceeds the medium one', async () => {
    await send(ask(8000));
    assert.deepEqual(upstream.last.body.thinking, { type: 'enabled', budget_tokens: 6000 });
    assert.equal(upstream.last.body.max_tokens, 8000);
    await send(ask(3000));
    assert.deepEqual(upstream.last.body.thinking, { type: 'enabled', budget_tokens: 1976 });
    await send(ask(64000));
    assert.deepEqual(upstream.last.body.thinking, { type: 'enabled', budget_tokens: 8192 });
  });

  test('too small a max_tokens for thinking and an answer: thinking off, not a 400', async () => {
    await send(ask(1500));
    assert.equal(upstream.last.body.thinking, undefined);
    assert.equal(upstream.last.body.max_tokens, 1500);
  });
});

/** A json_schema response_format with reasoning, from an OpenAI client, on an upstream that takes output_config.format. */
describe('structured output with thinking for OpenAI clients (provider structured_outputs)', () => {
  const upstream = new ThinkingCheckingAnthropic();
  let server: TestServer;
  let client: OpenAI;
  const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
  const responseFormat = { type: 'json_schema' as const, json_schema: { name: 'reply', schema } };

  before(async () => {
    const base = await upstream.start();
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [
        { name: 'native', type: 'anthropic', base_url: base, structured_outputs: true },
        { name: 'tooled', type: 'anthropic', base_url: base },
      ],
      models: [{ name: 'n1', provider: 'native', model: 'claude-up' }, { name: 't1', provider: 'tooled', model: 'claude-up' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    upstream.reply = { content: [{ type: 'thinking', thinking: 'Short.', signature: 'sig-1' }, { type: 'text', text: '{"answer":"hi"}' }], usage: { input_tokens: 5, output_tokens: 9 } };
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('the schema goes as output_config.format beside thinking, no forced tool; the JSON comes back as the content', async () => {
    const r = await client.chat.completions.create({ model: 'n1', messages: [{ role: 'user', content: 'Hi' }], response_format: responseFormat, reasoning_effort: 'low' });
    assert.equal(r.choices[0]!.message.content, '{"answer":"hi"}');
    const body = upstream.last.body;
    assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema } });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
  });

  test('streamed: the same body, the JSON as content deltas', async () => {
    const stream = await client.chat.completions.create({ model: 'n1', messages: [{ role: 'user', content: 'Hi' }], response_format: responseFormat, reasoning_effort: 'low', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, '{"answer":"hi"}');
    assert.deepEqual(upstream.last.body.output_config, { format: { type: 'json_schema', schema } });
  });

  test('without structured_outputs the schema is a forced tool, and with reasoning a 400 naming response_format before any upstream call', async () => {
    const count = upstream.requests.length;
    await assert.rejects(
      client.chat.completions.create({ model: 't1', messages: [{ role: 'user', content: 'Hi' }], response_format: responseFormat, reasoning_effort: 'low' }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && (e.error as { param?: string }).param === 'response_format',
    );
    assert.equal(upstream.requests.length, count);
  });
});
