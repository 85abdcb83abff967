import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { foldStream, LinguaError, type ChatRequest, type Message, type StreamEvent } from '../../src/canonical/index.js';
import { AnthropicProvider, anthropicProviderSchema } from '../../src/providers/anthropic/provider.js';
import { FakeAnthropic, sendError } from '../support/fake-anthropic.js';

function request(messages: Message[], fields: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'm1', messages, stream: true, includeUsage: false, n: 1, extra: {}, ...fields };
}

const nullProto = (fields: Record<string, unknown>) => Object.assign(Object.create(null) as Record<string, unknown>, fields);

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });

async function events(provider: AnthropicProvider, req: ChatRequest): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of provider.stream({ request: req, model: 'claude-up', signal: new AbortController().signal })) out.push(e);
  return out;
}

describe('AnthropicProvider (canonical events in and out)', () => {
  const upstream = new FakeAnthropic();
  let provider: AnthropicProvider;
  let config: ReturnType<typeof anthropicProviderSchema.parse>;
  before(async () => {
    config = anthropicProviderSchema.parse({ name: 'anth', type: 'anthropic', base_url: await upstream.start(), api_key: 'k-123' });
    provider = new AnthropicProvider(config);
  });
  after(async () => {
    await provider.close();
    await upstream.close();
  });

  test('a streamed message becomes canonical events in order: signature closes its thinking block', async () => {
    upstream.reply = {
      content: [
        { type: 'thinking', thinking: 'abcdef', signature: 'EqQBCkYIAhgC' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3' },
        { type: 'text', text: 'Hi!' },
        { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
      ],
      usage: { input_tokens: 10, output_tokens: 20 },
      chunkSize: 3,
    };
    const got = await events(provider, request([user('q')]));
    // The first event carries message_start's count and fields; the usage, the upstream's own figures.
    assert.deepEqual(got[0]!.opening, { inputTokens: 10, passthrough: { protocol: 'anthropic', fields: nullProto({ usage: { input_tokens: 10, output_tokens: 1 } }) } });
    assert.deepEqual(got.at(-1)!.passthrough, { protocol: 'anthropic', fields: nullProto({ input_tokens: 10, output_tokens: 20 }) });
    assert.deepEqual(got.map(({ opening: _o, passthrough: _p, ...e }) => e), [
      { type: 'reasoning', choice: 0, text: 'abc' },
      { type: 'reasoning', choice: 0, text: 'def' },
      { type: 'reasoning_signature', choice: 0, signature: 'EqQBCkYIAhgC' },
      { type: 'reasoning_redacted', choice: 0, data: 'EmwKAhgBEgy3' },
      { type: 'text', choice: 0, text: 'Hi!' },
      { type: 'tool_call_start', choice: 0, index: 0, id: 'toolu_1', name: 'f' },
      { type: 'tool_call_delta', choice: 0, index: 0, arguments: '{"a' },
      { type: 'tool_call_delta', choice: 0, index: 0, arguments: '":1' },
      { type: 'tool_call_delta', choice: 0, index: 0, arguments: '}' },
      { type: 'finish', choice: 0, finish: { reason: 'tool_calls', raw: 'tool_use' } },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 20 } },
    ]);
  });

  test('the same message unstreamed gives the same content', async () => {
    const streamed = await foldStream(provider.stream({ request: request([user('q')]), model: 'claude-up', signal: new AbortController().signal }));
    const whole = await foldStream(provider.stream({ request: request([user('q')], { stream: false }), model: 'claude-up', signal: new AbortController().signal }));
    const { opening: _wholeOpening, ...wholeContent } = whole;
    const { opening: _streamedOpening, ...streamedContent } = streamed;
    assert.deepEqual(wholeContent, streamedContent);
    assert.equal(upstream.last.body.stream, undefined);
  });

  test('thinking signatures and redacted thinking go back upstream unchanged on the next turn', async () => {
    upstream.reply = {
      content: [{ type: 'thinking', thinking: 'I should call f.', signature: 'sig/+==opaque' }, { type: 'redacted_thinking', data: 'cmVkYWN0ZWQ=' }, { type: 'tool_use', id: 'toolu_9', name: 'f', input: { x: 'y' } }],
      usage: { input_tokens: 1, output_tokens: 1 },
    };
    const first = await foldStream(provider.stream({ request: request([user('go')]), model: 'claude-up', signal: new AbortController().signal }));
    const c = first.choices[0]!;
    assert.equal(c.reasoningSignature, 'sig/+==opaque');
    assert.deepEqual(c.reasoningRedacted, ['cmVkYWN0ZWQ=']);

    upstream.reply = { content: [{ type: 'text', text: 'done' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await events(provider, request([
      user('go'),
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: c.reasoning, signature: c.reasoningSignature! },
          { type: 'reasoning', text: '', redacted: c.reasoningRedacted![0]! },
          { type: 'reasoning', text: 'unsigned reasoning from another backend' },
          ...c.toolCalls,
        ],
      },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_9', content: 'result', isError: true }] },
    ]));
    assert.deepEqual(upstream.last.body.messages, [
      { role: 'user', content: 'go' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'I should call f.', signature: 'sig/+==opaque' },
          { type: 'redacted_thinking', data: 'cmVkYWN0ZWQ=' },
          { type: 'tool_use', id: 'toolu_9', name: 'f', input: { x: 'y' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'result', is_error: true }] },
    ]);
  });

  test('an assistant turn with only unsigned reasoning is left out, and the user turns around it merge', async () => {
    upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await events(provider, request([user('a'), { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }] }, user('b')]));
    assert.deepEqual(upstream.last.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  test('an explicit thinking budget (Anthropic clients) goes as it is', async () => {
    upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await events(provider, request([user('a')], { maxTokens: 20000, reasoning: { budgetTokens: 16000, effort: 'low' } }));
    assert.deepEqual(upstream.last.body.thinking, { type: 'enabled', budget_tokens: 16000 });
    assert.equal(upstream.last.body.max_tokens, 20000);
  });

  test('the stop sequence that matched is kept in the finish', async () => {
    upstream.reply = { content: [{ type: 'text', text: '1 2' }], stop_reason: 'stop_sequence', stop_sequence: '3', usage: { input_tokens: 1, output_tokens: 2 } };
    for (const stream of [true, false]) {
      const finish = (await events(provider, request([user('count')], { stream, stop: ['3'] }))).find((e) => e.type === 'finish');
      assert.deepEqual(finish, { type: 'finish', choice: 0, finish: { reason: 'stop', raw: 'stop_sequence', stopSequence: '3' } });
    }
  });

  test('countTokens: the upstream count; undefined when it has no count endpoint; errors otherwise', async () => {
    const signal = new AbortController().signal;
    const req = request([{ role: 'system', content: [{ type: 'text', text: 'sys' }] }, user('count me')], { maxTokens: 5, temperature: 0.3 });
    upstream.countTokens = 42;
    assert.equal(await provider.countTokens(req, 'claude-up', signal), 42);
    assert.equal(upstream.last.path, '/v1/messages/count_tokens');
    assert.deepEqual(upstream.last.body, { model: 'claude-up', system: 'sys', messages: [{ role: 'user', content: 'count me' }] });
    assert.equal(upstream.last.headers['x-api-key'], 'k-123');

    upstream.countTokens = undefined;
    assert.equal(await provider.countTokens(req, 'claude-up', signal), undefined);

    upstream.handler = (_req, res) => sendError(res, 401, 'authentication_error', 'invalid x-api-key k-123');
    try {
      await assert.rejects(provider.countTokens(req, 'claude-up', signal), (e: unknown) => e instanceof LinguaError && e.status === 502
        && e.message.includes('invalid x-api-key [redacted]'));
    } finally { upstream.handler = undefined; }

    const silent = new AnthropicProvider({ ...config, count_tokens: false });
    const before = upstream.requests.length;
    assert.equal(await silent.countTokens(req, 'claude-up', signal), undefined);
    assert.equal(upstream.requests.length, before);
    await silent.close();
  });
});
