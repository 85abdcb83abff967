import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeSearxng } from '../support/fake-searxng.js';
import { startLingua, type TestServer } from '../support/lingua.js';

describe('Lingua web search around an Anthropic upstream that thinks', () => {
  const upstream = new FakeAnthropic();
  const searx = new FakeSearxng();
  let server: TestServer;
  let client: OpenAI;
  before(async () => {
    server = await startLingua({
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start() }],
      models: [{ name: 'claude', provider: 'anth' }],
      search: { type: 'searxng', base_url: await searx.start('') },
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    upstream.replyFor = (req) => (req.body.messages as Array<{ role: string }>).length === 1
      ? {
        content: [
          { type: 'thinking', thinking: 'I need fresh facts.', signature: 'sig-round-1' },
          { type: 'tool_use', id: 'toolu_search1', name: 'web_search', input: { query: 'Ling-1T' } },
        ],
        usage: { input_tokens: 30, output_tokens: 20 },
      }
      : { content: [{ type: 'text', text: 'It has 1T parameters [1].' }], usage: { input_tokens: 90, output_tokens: 8 } };
  });
  after(async () => {
    await server.close();
    await upstream.close();
    await searx.close();
  });

  test('the thinking block goes back signed with the web_search call and its results; the client sees reasoning and the answer', async () => {
    const params = {
      model: 'claude',
      messages: [{ role: 'user', content: 'How big is Ling-1T?' }],
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
      enable_search: true, // seed 000's extension: not in the client's types
    };
    const got = await collectStream(await client.chat.completions.create(params as OpenAI.ChatCompletionCreateParamsStreaming));
    assert.equal(got.reasoning, 'I need fresh facts.');
    assert.equal(got.text, 'It has 1T parameters [1].');
    assert.deepEqual(got.toolCalls, []);
    assert.deepEqual(got.finishReasons, ['stop']);
    assert.deepEqual(got.usages, [{ prompt_tokens: 120, completion_tokens: 28, total_tokens: 148 }]);
    assert.deepEqual(searx.queries, ['Ling-1T']);

    const second = upstream.last.body;
    assert.deepEqual((second.tools as Array<{ name: string }>).map((t) => t.name), ['web_search']);
    const [, assistant, results] = second.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    assert.deepEqual(assistant, {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I need fresh facts.', signature: 'sig-round-1' },
        { type: 'tool_use', id: 'toolu_search1', name: 'web_search', input: { query: 'Ling-1T' } },
      ],
    });
    assert.equal(results!.role, 'user');
    assert.equal(results!.content[0]!.type, 'tool_result');
    assert.equal(results!.content[0]!.tool_use_id, 'toolu_search1');
    assert.match(String(results!.content[0]!.content), /\[1\] Ling-1T launch/);
  });
});
