import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { collectStream, type CollectedStream } from '../support/collect-stream.js';
import type { FakeMessage } from '../support/fake-anthropic.js';

const reply: FakeMessage = {
  content: [
    { type: 'thinking', thinking: 'Short thought.', signature: 'sig-1' },
    { type: 'text', text: 'Announcing Ling-1T.' },
    { type: 'tool_use', id: 'toolu_X', name: 'publish', input: { channel: 'blog' } },
  ],
  usage: { input_tokens: 215, output_tokens: 438 },
};

async function collect(f: AnthropicFixture): Promise<CollectedStream> {
  return collectStream(await f.client.chat.completions.create({
    model: 'm1',
    messages: [{ role: 'user', content: 'Draft a launch announcement for Ling-1T.' }],
    tools: [{ type: 'function', function: { name: 'publish', parameters: { type: 'object' } } }],
    stream: true,
    stream_options: { include_usage: true },
  }));
}

function assertWholeStream(got: CollectedStream): void {
  assert.equal(got.chunks[0]?.choices[0]?.delta.role, 'assistant');
  assert.equal(got.reasoning, 'Short thought.');
  assert.equal(got.text, 'Announcing Ling-1T.');
  assert.deepEqual(got.toolCalls, [{ index: 0, id: 'toolu_X', name: 'publish', arguments: '{"channel":"blog"}', idAndNameFirst: true }]);
  assert.deepEqual(got.finishReasons, ['tool_calls']);
  assert.deepEqual(got.usages, [{ prompt_tokens: 215, completion_tokens: 438, total_tokens: 653 }]);
}

describe('an upstream that cannot stream (seed 001: "Streaming: not yet supported")', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test('answered with a whole message to a streaming request: folded into a correct client stream', async () => {
    f.upstream.streaming = false;
    f.upstream.reply = reply;
    try {
      assertWholeStream(await collect(f));
      assert.equal(f.upstream.last.body.stream, true, 'Lingua asked to stream; the upstream answered JSON');
    } finally { f.upstream.streaming = true; }
  });
});

describe('upstream_streaming: false', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture({ provider: { upstream_streaming: false } }); });
  after(() => f.close());

  test('never asks the upstream to stream; streaming clients still get a stream', async () => {
    f.upstream.reply = reply;
    assertWholeStream(await collect(f));
    assert.equal(f.upstream.last.body.stream, undefined);
  });
});
