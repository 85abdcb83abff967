import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

// Issue 13 item 11: a body built from another protocol is one the upstream takes.

type Json = Record<string, unknown>;
const screenshot = { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' };

describe('upstream bodies built from another protocol are valid for that upstream', () => {
  const openai = new FakeOpenAI();
  const anthropic = new FakeAnthropic();
  let server: TestServer;
  let an: Anthropic;
  let oa: OpenAI;

  before(async () => {
    const [openaiUrl, anthropicUrl] = await Promise.all([openai.start(), anthropic.start()]);
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [
        { name: 'oai', type: 'openai', base_url: openaiUrl },
        { name: 'deepseek', type: 'openai', base_url: openaiUrl, accepts_reasoning_content: true },
        { name: 'ant', type: 'anthropic', base_url: anthropicUrl, count_tokens: false },
      ],
      models: [
        { name: 'gpt', provider: 'oai', model: 'gpt-up' },
        { name: 'ds', provider: 'deepseek', model: 'ds-up' },
        { name: 'claude', provider: 'ant', model: 'claude-up' },
      ],
    });
    an = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    oa = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => { await server.close(); await Promise.all([openai.close(), anthropic.close()]); });

  test("images inside an Anthropic tool_result (Claude Code's screenshots) follow the tool messages as one user message", async () => {
    await an.messages.create({
      model: 'gpt',
      max_tokens: 50,
      tools: [{ name: 'screenshot', input_schema: { type: 'object', properties: {} } }, { name: 'zoom', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'What is on screen?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }, { type: 'tool_use', id: 'toolu_2', name: 'zoom', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Captured.' }, { type: 'image', source: screenshot }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'image', source: screenshot }] },
          ],
        },
      ],
    });
    const messages = openai.last.body.messages as Json[];
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'tool', 'tool', 'user']);
    // Tool messages hold text only, right after the assistant's tool calls.
    assert.deepEqual(messages[2], { role: 'tool', tool_call_id: 'toolu_1', content: 'Captured.' });
    assert.equal(messages[3]!.tool_call_id, 'toolu_2');
    assert.equal(typeof messages[3]!.content, 'string');
    const attachments = messages[4]!.content as Json[];
    assert.deepEqual(attachments.map((p) => p.type), ['text', 'image_url', 'text', 'image_url']);
    assert.match(String(attachments[0]!.text), /toolu_1/);
    assert.match(String(attachments[2]!.text), /toolu_2/);
    assert.deepEqual(attachments[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${screenshot.data}` } });
  });

  test('a text-only tool_result stays in its tool message, with no extra user message', async () => {
    await an.messages.create({
      model: 'gpt',
      max_tokens: 50,
      tools: [{ name: 'ls', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'List.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'ls', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'a.txt' }] },
      ],
    });
    const messages = openai.last.body.messages as Json[];
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.equal(messages[2]!.content, 'a.txt');
  });

  test('no tool_choice or parallel_tool_calls without tools', async () => {
    await an.messages.create({ model: 'gpt', max_tokens: 20, tool_choice: { type: 'auto', disable_parallel_tool_use: true }, messages: [{ role: 'user', content: 'Hi' }] });
    for (const field of ['tools', 'tool_choice', 'parallel_tool_calls']) assert.equal(openai.last.body[field], undefined, field);

    await oa.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], tools: [], tool_choice: 'required' });
    for (const field of ['tools', 'tool_choice']) assert.equal(anthropic.last.body[field], undefined, field);
  });

  test('reasoning_content goes back on assistant history only to an upstream marked to take it', async () => {
    const ask = (model: string) => an.messages.create({
      model,
      max_tokens: 20,
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' }, { type: 'text', text: 'A1' }] },
        { role: 'user', content: 'Q2' },
      ],
    });
    await ask('gpt');
    assert.deepEqual((openai.last.body.messages as Json[])[1], { role: 'assistant', content: 'A1' });
    await ask('ds');
    assert.deepEqual((openai.last.body.messages as Json[])[1], { role: 'assistant', content: 'A1', reasoning_content: 'Hmm.' });
  });

  test('top_k reaches a backend that has it (Anthropic), untold', async () => {
    // @ts-expect-error top_k is a vendor extension of Chat Completions
    const { response } = await oa.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], top_k: 5 }).withResponse();
    assert.equal(anthropic.last.body.top_k, 5);
    assert.equal(response.headers.get('x-lingua-adapted'), null);
  });
});
