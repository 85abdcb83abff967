import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FakeAnthropic, FakeBlock } from '../support/fake-anthropic.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { ThinkingCheckingAnthropic } from '../support/thinking-checking-anthropic.js';

type Block = Record<string, unknown>;
type Turn = { role: string; content: string | Block[] };

const firstTurn: FakeBlock[] = [
  { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-1' },
  { type: 'redacted_thinking', data: 'opaque-redacted' },
  { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
];
const secondTurn: FakeBlock[] = [{ type: 'text', text: 'Sunny in Paris.' }];

const tools: OpenAI.Chat.ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
}];
const ask: OpenAI.Chat.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };
const toolResult: OpenAI.Chat.ChatCompletionMessageParam = { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' };

/** The assistant turn of the last upstream request (a lone text goes as a string), and that request's `thinking`. */
function continuation(upstream: FakeAnthropic): { history: Block[]; thinking: unknown } {
  const body = upstream.last.body;
  const history = (body.messages as Turn[])[1]!;
  assert.equal(history.role, 'assistant');
  const content = typeof history.content === 'string' ? [{ type: 'text', text: history.content }] : history.content;
  return { history: content, thinking: body.thinking };
}

/** Issue 13 item 8: an OpenAI client in a tool loop with thinking on, served by an Anthropic upstream. */
describe('reasoning round trips from OpenAI clients to an Anthropic upstream', () => {
  const upstream = new ThinkingCheckingAnthropic();
  let server: TestServer;
  let client: OpenAI;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start() }],
      models: [{ name: 'a1', provider: 'anth', model: 'claude-up' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    upstream.replyFor = (req) => ({ content: (req.body.messages as Turn[]).length === 1 ? firstTurn : secondTurn, usage: { input_tokens: 10, output_tokens: 5 } });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  test('non-streaming: thinking_blocks carry the signatures, and sent back they reach the upstream before the tool_use', async () => {
    const first = await client.chat.completions.create({ model: 'a1', messages: [ask], tools, reasoning_effort: 'low' });
    const message = first.choices[0]!.message as OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string; thinking_blocks?: Block[] };
    assert.equal(message.reasoning_content, 'The user wants the weather; call the tool.');
    assert.deepEqual(message.thinking_blocks, [
      { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque-redacted' },
    ]);

    // The client sends the assistant message back as it got it, as OpenAI clients do.
    const second = await client.chat.completions.create({ model: 'a1', messages: [ask, message as OpenAI.Chat.ChatCompletionAssistantMessageParam, toolResult], tools, reasoning_effort: 'low' });
    assert.equal(second.choices[0]!.message.content, 'Sunny in Paris.');
    const { history, thinking } = continuation(upstream);
    assert.deepEqual(history, [
      { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque-redacted' },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    assert.deepEqual(thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  test('streaming: each signed block arrives whole in a thinking_blocks delta, and the streamed second turn continues the loop', async () => {
    const stream = await client.chat.completions.create({ model: 'a1', messages: [ask], tools, reasoning_effort: 'low', stream: true });
    let reasoning = '';
    const blocks: Block[] = [];
    const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as (OpenAI.Chat.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string; thinking_blocks?: Block[] }) | undefined;
      if (delta === undefined) continue;
      reasoning += delta.reasoning_content ?? '';
      blocks.push(...delta.thinking_blocks ?? []);
      for (const c of delta.tool_calls ?? []) {
        if (c.id !== undefined) calls[c.index] = { id: c.id, type: 'function', function: { name: c.function!.name!, arguments: '' } };
        calls[c.index]!.function.arguments += c.function?.arguments ?? '';
      }
    }
    assert.equal(reasoning, 'The user wants the weather; call the tool.');
    assert.deepEqual(blocks, [
      { type: 'thinking', thinking: 'The user wants the weather; call the tool.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque-redacted' },
    ]);

    const assistant = { role: 'assistant', content: null, reasoning_content: reasoning, thinking_blocks: blocks, tool_calls: calls } as OpenAI.Chat.ChatCompletionAssistantMessageParam;
    const again = await client.chat.completions.create({ model: 'a1', messages: [ask, assistant, toolResult], tools, reasoning_effort: 'low', stream: true });
    let text = '';
    for await (const chunk of again) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Sunny in Paris.');
    const { history, thinking } = continuation(upstream);
    assert.deepEqual(history.map((b) => [b.type, b.signature ?? b.data ?? b.id]), [['thinking', 'sig-1'], ['redacted_thinking', 'opaque-redacted'], ['tool_use', 'toolu_1']]);
    assert.deepEqual(thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  test('reasoning_content without a signature: no thinking block reaches the upstream, and thinking is off for that continuation of the tool loop', async () => {
    const assistant = {
      role: 'assistant', content: null, reasoning_content: 'I should call the tool.',
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    } as OpenAI.Chat.ChatCompletionAssistantMessageParam;
    const r = await client.chat.completions.create({ model: 'a1', messages: [ask, assistant, toolResult], tools, reasoning_effort: 'low' });
    assert.equal(r.choices[0]!.message.content, 'Sunny in Paris.');
    const { history, thinking } = continuation(upstream);
    assert.deepEqual(history, [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }]);
    assert.equal(thinking, undefined);
  });

  test('a thinking block sent back with an empty signature counts as unsigned: left out, thinking off for the tool loop', async () => {
    const assistant = {
      role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: 'I should call the tool.', signature: '' }],
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    } as OpenAI.Chat.ChatCompletionAssistantMessageParam;
    await client.chat.completions.create({ model: 'a1', messages: [ask, assistant, toolResult], tools, reasoning_effort: 'low' });
    const { history, thinking } = continuation(upstream);
    assert.deepEqual(history.map((b) => b.type), ['tool_use']);
    assert.equal(thinking, undefined);
  });

  test('unsigned reasoning on a turn without tool calls is left out, and thinking stays on', async () => {
    const assistant = { role: 'assistant', content: 'Which city?', reasoning_content: 'The city is missing.' } as OpenAI.Chat.ChatCompletionAssistantMessageParam;
    await client.chat.completions.create({ model: 'a1', messages: [ask, assistant, { role: 'user', content: 'Paris.' }], reasoning_effort: 'low' });
    const { history, thinking } = continuation(upstream);
    assert.deepEqual(history, [{ type: 'text', text: 'Which city?' }]);
    assert.deepEqual(thinking, { type: 'enabled', budget_tokens: 2048 });
  });

  test('thinking_blocks of the wrong shape are a 400 naming the field', async () => {
    const assistant = { role: 'assistant', content: 'Hi', thinking_blocks: [{ type: 'thinking', signature: 'sig-1' }] } as unknown as OpenAI.Chat.ChatCompletionAssistantMessageParam;
    await assert.rejects(
      client.chat.completions.create({ model: 'a1', messages: [ask, assistant, { role: 'user', content: 'Again' }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /messages\[1\]\.thinking_blocks\[0\]\.thinking/.test(String((e.error as { param?: string } | undefined)?.param ?? e.message)),
    );
  });
});
