import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { sendError } from '../support/fake-anthropic.js';
import { anthropicFrames, assertWellFormed, postAnthropic } from '../support/messages-fixture.js';

const hello: Anthropic.MessageParam = { role: 'user', content: 'Hello' };

describe('Anthropic clients (/v1/messages) over an Anthropic upstream', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test('thinking with its signature, redacted thinking, text and tool_use come through, streamed (finalMessage) and not', async () => {
    f.upstream.reply = {
      content: [
        { type: 'thinking', thinking: 'The user greets me.', signature: 'EuYBCkQYAiJA/sig==' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
        { type: 'text', text: 'Hi! Checking the time.' },
        { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_time', input: { zone: 'UTC' } },
      ],
      usage: { input_tokens: 25, output_tokens: 40 },
      chunkSize: 5,
    };
    const expected = [
      { type: 'thinking', thinking: 'The user greets me.', signature: 'EuYBCkQYAiJA/sig==' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
      { type: 'text', text: 'Hi! Checking the time.' },
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_time', input: { zone: 'UTC' } },
    ];
    const tools: Anthropic.Tool[] = [{ name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } }];
    const params = { model: 'm1', max_tokens: 4000, thinking: { type: 'enabled' as const, budget_tokens: 2000 }, tools, messages: [hello] };

    const whole = await f.anthropic.messages.create(params);
    assert.deepEqual(whole.content.map(stripUndefined), expected);
    assert.equal(whole.stop_reason, 'tool_use');
    assert.deepEqual(f.upstream.last.body.thinking, { type: 'enabled', budget_tokens: 2000 });
    assert.equal(f.upstream.last.body.max_tokens, 4000);

    const streamed = await f.anthropic.messages.stream(params).finalMessage();
    assert.deepEqual(streamed.content.map(stripUndefined), expected);
    assert.equal(streamed.stop_reason, 'tool_use');
    assert.equal(streamed.usage.output_tokens, 40);
    assert.equal(streamed.usage.input_tokens, 25);
  });

  test('the raw stream from an Anthropic upstream is well-formed: blocks 0..n started, delta-ed and stopped in order', async () => {
    f.upstream.reply = {
      content: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }, { type: 'text', text: 'Two tools.' }, { type: 'tool_use', id: 'toolu_a', name: 'a', input: { x: 1 } }, { type: 'tool_use', id: 'toolu_b', name: 'b', input: {} }],
      usage: { input_tokens: 3, output_tokens: 9 },
    };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 }, stream: true, messages: [hello] });
    const frames = anthropicFrames(res.text);
    assertWellFormed(frames);
    assert.deepEqual(frames.filter((x) => x.event === 'content_block_start').map((x) => x.data.content_block.type), ['thinking', 'text', 'tool_use', 'tool_use']);
    const signature = frames.filter((x) => x.event === 'content_block_delta' && x.data.delta.type === 'signature_delta').map((x) => x.data.delta.signature);
    assert.deepEqual(signature, ['sig']);
    const delta = frames.find((x) => x.event === 'message_delta')!.data;
    assert.equal(delta.delta.stop_reason, 'tool_use');
    assert.equal(delta.usage.output_tokens, 9);
  });

  test('the next turn carries thinking signatures, redacted thinking, tool_use ids and tool results back to the upstream unchanged', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'It is noon.' }], usage: { input_tokens: 60, output_tokens: 4 } };
    const assistant: Anthropic.MessageParam = {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'The user greets me.', signature: 'EuYBCkQYAiJA/sig==' },
        { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix/LafPsn4a' },
        { type: 'text', text: 'Hi! Checking the time.' },
        { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_time', input: { zone: 'UTC' } },
      ],
    };
    const results: Anthropic.MessageParam = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', content: '12:00' }] };
    const m = await f.anthropic.messages.create({
      model: 'm1', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 },
      tools: [{ name: 'get_time', input_schema: { type: 'object' } }],
      messages: [hello, assistant, results],
    });
    assert.equal(m.content[0]?.type === 'text' && m.content[0].text, 'It is noon.');
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'user', content: 'Hello' },
      assistant,
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', content: '12:00' }] },
    ]);
  });

  test('stop_sequence: the reason and the sequence that matched', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: '1 2' }], stop_reason: 'stop_sequence', stop_sequence: '3', usage: { input_tokens: 2, output_tokens: 2 } };
    const whole = await f.anthropic.messages.create({ model: 'm1', max_tokens: 50, stop_sequences: ['3'], messages: [hello] });
    assert.equal(whole.stop_reason, 'stop_sequence');
    assert.equal(whole.stop_sequence, '3');
    assert.deepEqual(f.upstream.last.body.stop_sequences, ['3']);
    const streamed = await f.anthropic.messages.stream({ model: 'm1', max_tokens: 50, stop_sequences: ['3'], messages: [hello] }).finalMessage();
    assert.equal(streamed.stop_reason, 'stop_sequence');
    assert.equal(streamed.stop_sequence, '3');
  });

  test('adaptive thinking reaches the upstream as the client asked it (an Anthropic upstream chooses the budget)', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 32000, thinking: { type: 'adaptive' }, messages: [hello] });
    assert.deepEqual(f.upstream.last.body.thinking, { type: 'adaptive' });
    assert.equal(f.upstream.last.body.max_tokens, 32000);
  });

  test('count_tokens: the upstream count when it has the endpoint, else the estimate', async () => {
    f.upstream.countTokens = 1234;
    const counted = await f.anthropic.messages.countTokens({ model: 'm1', messages: [hello] });
    assert.equal(counted.input_tokens, 1234);
    assert.equal(f.upstream.last.path, '/v1/messages/count_tokens');
    assert.deepEqual(f.upstream.last.body, { model: 'claude-up', messages: [{ role: 'user', content: 'Hello' }] });

    f.upstream.countTokens = undefined;
    const estimated = await f.anthropic.messages.countTokens({ model: 'm1', messages: [hello] });
    assert.ok(estimated.input_tokens > 0 && estimated.input_tokens !== 1234);
  });

  test('upstream errors reach Anthropic clients with Anthropic types and statuses', async () => {
    const cases: Array<[number, string, number, string]> = [
      [529, 'overloaded_error', 529, 'overloaded_error'],
      [429, 'rate_limit_error', 429, 'rate_limit_error'],
      [400, 'invalid_request_error', 400, 'invalid_request_error'],
      [500, 'api_error', 502, 'api_error'],
    ];
    for (const [status, type, expected, expectedType] of cases) {
      f.upstream.handler = (_req, res) => sendError(res, status, type, `upstream says ${type}`, status === 429 ? { 'retry-after': '3' } : {});
      try {
        const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1', max_tokens: 10, messages: [hello] });
        assert.equal(res.status, expected, type);
        const body = JSON.parse(res.text);
        assert.equal(body.type, 'error');
        assert.equal(body.error.type, expectedType);
        assert.match(body.error.message, new RegExp(`upstream says ${type}`));
        if (status === 429) assert.equal(res.headers.get('retry-after'), '3');
      } finally { f.upstream.handler = undefined; }
    }
  });
});

function stripUndefined(o: object): object {
  return JSON.parse(JSON.stringify(o));
}
