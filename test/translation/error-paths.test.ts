import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { twoBackends, type TwoBackends } from './two-backends.js';

/**
 * A 400 raised while a provider maps the request names the field as the
 * client wrote it (issue 13 item 12): `messages.2.content.1` for an
 * Anthropic client, `messages[1].tool_calls[0]…` for an OpenAI one, with
 * the client's indices, although the canonical request numbers its
 * messages otherwise (Anthropic's `system` is message 0 there, a user turn
 * with tool results is split in two, an OpenAI assistant's reasoning and
 * tool calls are parts after its text).
 */

const searchResult = { type: 'search_result', source: 'https://example.com/sky', title: 'Sky', content: [{ type: 'text', text: 'Blue.' }] };
const bash = { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } };

async function anthropicMessage(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    assert.ok(e instanceof Anthropic.APIError, String(e));
    assert.equal(e.status, 400);
    return (e.error as { error: { message: string } }).error.message;
  }
  assert.fail('expected a 400');
}

async function openAIError(call: Promise<unknown>): Promise<{ param: string | null | undefined; message: string }> {
  try {
    await call;
  } catch (e) {
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.status, 400);
    return { param: e.param, message: e.message };
  }
  assert.fail('expected a 400');
}

describe("errors in the caller's own terms", () => {
  let b: TwoBackends;
  before(async () => { b = await twoBackends(); });
  after(() => b.close());

  test('Anthropic client: a block after a tool result, with a system prompt, is named by its own indices', async () => {
    const message = await anthropicMessage(b.anthropic.messages.create({
      model: 'oa', max_tokens: 256, system: [{ type: 'text', text: 'Be brief.' }], tools: [bash],
      messages: [
        { role: 'user', content: 'List the files.' },
        { role: 'assistant', content: [{ type: 'text', text: 'Running ls.' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] },
        // Canonically: system, user, assistant, tool (the result), user (the search result) — messages[4].content[0].
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.txt' }, searchResult] },
      ],
    } as never));
    assert.equal(message, "messages.2.content.1.type 'search_result' is not supported by this model's backend (an OpenAI-compatible API).");
  });

  test('Anthropic client: a system message inside messages does not shift the indices', async () => {
    const message = await anthropicMessage(b.anthropic.messages.create({
      model: 'oa', max_tokens: 256,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Sky?' }, { type: 'text', text: 'Colour?' }, searchResult] },
      ],
    } as never));
    assert.ok(message.startsWith("messages.2.content.2.type 'search_result'"), message);
  });

  test('Anthropic client: a block inside a tool result is named inside that block', async () => {
    const message = await anthropicMessage(b.anthropic.messages.create({
      model: 'oa', max_tokens: 256, system: 'Be brief.', tools: [bash],
      messages: [
        { role: 'user', content: 'Search.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'search sky' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Found:' }, searchResult] }] },
      ],
    } as never));
    assert.ok(message.includes("'search_result' is not supported"), message);
    assert.ok(!message.includes('messages[') && !message.includes('messages.3'), message);
  });

  test("OpenAI client: a tool call's arguments after reasoning and text are named at tool_calls", async () => {
    const { param, message } = await openAIError(b.openai.chat.completions.create({
      model: 'an',
      messages: [
        { role: 'user', content: 'Add 1 and 2.' },
        { role: 'assistant', content: 'Adding.', reasoning_content: 'Use the tool.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '[1, 2]' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '3' },
      ],
      tools: [{ type: 'function', function: { name: 'add', parameters: { type: 'object', properties: {} } } }],
    } as never));
    assert.equal(param, 'messages[1].tool_calls[0].function.arguments');
    assert.ok(message.includes("'messages[1].tool_calls[0].function.arguments'"), message);
  });

  test('OpenAI client: an image that is not base64 is named by its part', async () => {
    const { param } = await openAIError(b.openai.chat.completions.create({
      model: 'an',
      messages: [
        { role: 'system', content: 'Describe images.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png,not-base64' } }] },
      ],
    }));
    assert.equal(param, 'messages[1].content[1]');
  });

  test('a top-level field keeps its name', async () => {
    const { param } = await openAIError(b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: 'Hi' }], modalities: ['text', 'audio'] }));
    assert.equal(param, 'modalities');
  });
});
