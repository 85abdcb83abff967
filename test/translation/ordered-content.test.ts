import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic, type FakeBlock } from '../support/fake-anthropic.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

/** One turn with interleaved thinking: thinking A (signature A), text, thinking B (signature B), a tool call. */
const interleaved: FakeBlock[] = [
  { type: 'thinking', thinking: 'First, look it up.', signature: 'sig-A' },
  { type: 'text', text: 'Let me check.' },
  { type: 'thinking', thinking: 'The tool takes a city.', signature: 'sig-B' },
  { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
];

const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];

type Block = Record<string, unknown>;

/** Issue 13 item 7: a non-streaming answer keeps the backend's blocks in order, each reasoning block with its own signature. */
describe('ordered content in non-streaming answers', () => {
  const upstream = new FakeAnthropic();
  let server: TestServer;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start() }],
      models: [{ name: 'a1', provider: 'anth', model: 'claude-up' }],
    });
    upstream.reply = { content: interleaved, usage: { input_tokens: 20, output_tokens: 30 } };
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('an Anthropic client gets the blocks block for block, and they round-trip unchanged on the next turn', async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    const ask = { role: 'user' as const, content: 'Weather in Paris?' };
    const m = await client.messages.create({ model: 'a1', max_tokens: 4096, tools, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [ask] });
    assert.deepEqual(m.content.map((b) => b.type), ['thinking', 'text', 'thinking', 'tool_use']);
    assert.deepEqual(m.content.filter((b) => b.type === 'thinking').map((b) => [b.thinking, b.signature]), [['First, look it up.', 'sig-A'], ['The tool takes a city.', 'sig-B']]);

    upstream.reply = { content: [{ type: 'text', text: 'Sunny.' }], usage: { input_tokens: 40, output_tokens: 2 } };
    await client.messages.create({
      model: 'a1', max_tokens: 4096, tools, thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [ask, { role: 'assistant', content: m.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] }],
    });
    const history = (upstream.last.body.messages as Array<{ role: string; content: Block[] }>)[1]!;
    assert.deepEqual(history.content.map((b) => b.type), ['thinking', 'text', 'thinking', 'tool_use']);
    assert.deepEqual(history.content.filter((b) => b.type === 'thinking').map((b) => b.signature), ['sig-A', 'sig-B']);
    upstream.reply = { content: interleaved, usage: { input_tokens: 20, output_tokens: 30 } };
  });

  test('a Responses client gets one item per block, in order: reasoning, message, reasoning, function_call; each signature comes back on the next turn', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    const fnTools = [{ type: 'function' as const, name: 'get_weather', parameters: tools[0]!.input_schema, strict: false }];
    const r = await client.responses.create({ model: 'a1', input: 'Weather in Paris?', tools: fnTools, reasoning: { effort: 'medium' }, store: false, include: ['reasoning.encrypted_content'] });
    assert.deepEqual(r.output.map((i) => i.type), ['reasoning', 'message', 'reasoning', 'function_call']);
    const reasoning = r.output.filter((i) => i.type === 'reasoning');
    assert.deepEqual(reasoning.map((i) => i.content?.[0]?.text), ['First, look it up.', 'The tool takes a city.']);

    upstream.reply = { content: [{ type: 'text', text: 'Sunny.' }], usage: { input_tokens: 40, output_tokens: 2 } };
    await client.responses.create({
      model: 'a1', tools: fnTools, reasoning: { effort: 'medium' }, store: false,
      input: [{ role: 'user', content: 'Weather in Paris?' }, ...(r.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: 'toolu_1', output: 'sunny' }],
    });
    const history = (upstream.last.body.messages as Array<{ role: string; content: Block[] }>)[1]!;
    assert.deepEqual(history.content.map((b) => b.type), ['thinking', 'text', 'thinking', 'tool_use']);
    assert.deepEqual(history.content.filter((b) => b.type === 'thinking').map((b) => [b.thinking, b.signature]), [['First, look it up.', 'sig-A'], ['The tool takes a city.', 'sig-B']]);
    upstream.reply = { content: interleaved, usage: { input_tokens: 20, output_tokens: 30 } };
  });
});
