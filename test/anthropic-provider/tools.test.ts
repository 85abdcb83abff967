import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { collectStream } from '../support/collect-stream.js';

const tools: ChatCompletionTool[] = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
];

describe('OpenAI clients over an Anthropic upstream: tools and JSON output', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test('a tool call round trip keeps the upstream ids; results go back as tool_result blocks of one user turn', async () => {
    f.upstream.reply = {
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: {} },
      ],
      usage: { input_tokens: 30, output_tokens: 12 },
    };
    const first = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Weather and time in Paris?' }], tools, tool_choice: 'required' });
    const message = first.choices[0]!.message;
    assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(message.content, 'Checking.');
    assert.deepEqual(message.tool_calls, [
      { id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_01B', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    assert.deepEqual(f.upstream.last.body.tools, [
      { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
    assert.deepEqual(f.upstream.last.body.tool_choice, { type: 'any' });

    f.upstream.reply = { content: [{ type: 'text', text: 'Sunny, 14:00.' }], usage: { input_tokens: 50, output_tokens: 5 } };
    const history: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather and time in Paris?' },
      message,
      { role: 'tool', tool_call_id: 'toolu_01A', content: 'sunny' },
      { role: 'tool', tool_call_id: 'toolu_01B', content: [{ type: 'text', text: '14:00' }] },
      { role: 'user', content: 'Thanks!' },
    ];
    const second = await f.client.chat.completions.create({ model: 'm1', messages: history, tools });
    assert.equal(second.choices[0]!.message.content, 'Sunny, 14:00.');
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_01B', content: [{ type: 'text', text: '14:00' }] },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
  });

  test('streamed tool calls: each with its own index, id and name first, arguments from input_json_delta', async () => {
    f.upstream.reply = {
      content: [
        { type: 'tool_use', id: 'toolu_A', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
        { type: 'tool_use', id: 'toolu_B', name: 'get_time', input: { zone: 'Europe/Paris' } },
      ],
      usage: { input_tokens: 20, output_tokens: 15 },
      chunkSize: 5,
    };
    const got = await collectStream(await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Weather and time?' }], tools, stream: true }));
    assert.deepEqual(got.finishReasons, ['tool_calls']);
    assert.deepEqual(got.toolCalls, [
      { index: 0, id: 'toolu_A', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}', idAndNameFirst: true },
      { index: 1, id: 'toolu_B', name: 'get_time', arguments: '{"zone":"Europe/Paris"}', idAndNameFirst: true },
    ]);
  });

  test('tool_choice and parallel_tool_calls map onto Anthropic tool_choice', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    const cases: Array<[Parameters<typeof f.client.chat.completions.create>[0]['tool_choice'], boolean | undefined, unknown]> = [
      ['auto', undefined, { type: 'auto' }],
      ['none', undefined, { type: 'none' }],
      ['required', false, { type: 'any', disable_parallel_tool_use: true }],
      [{ type: 'function', function: { name: 'get_time' } }, undefined, { type: 'tool', name: 'get_time' }],
      [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
      [undefined, undefined, undefined],
    ];
    for (const [choice, parallel, expected] of cases) {
      await f.client.chat.completions.create({
        model: 'm1', messages: [{ role: 'user', content: 'x' }], tools,
        ...(choice === undefined ? {} : { tool_choice: choice }),
        ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }),
      });
      assert.deepEqual(f.upstream.last.body.tool_choice, expected, JSON.stringify([choice, parallel]));
    }
  });

  test('response_format json_schema: a forced tool upstream, its input returned as the message text, streamed and not', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] };
    f.upstream.reply = { content: [{ type: 'tool_use', id: 'toolu_J', name: 'result', input: { answer: 42 } }], usage: { input_tokens: 9, output_tokens: 6 } };
    const format = { type: 'json_schema' as const, json_schema: { name: 'result', schema, strict: true } };
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'six times seven?' }], response_format: format });
    assert.equal(r.choices[0]!.message.content, '{"answer":42}');
    assert.equal(r.choices[0]!.message.tool_calls, undefined);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(f.upstream.last.body.tools, [{ name: 'result', description: "Respond with a JSON object that matches the 'result' schema.", input_schema: schema }]);
    assert.deepEqual(f.upstream.last.body.tool_choice, { type: 'tool', name: 'result' });

    const got = await collectStream(await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'six times seven?' }], response_format: format, stream: true }));
    assert.deepEqual(JSON.parse(got.text), { answer: 42 });
    assert.deepEqual(got.toolCalls, []);
    assert.deepEqual(got.finishReasons, ['stop']);
  });

  test('response_format with client tools: the model must call a tool, its own or the JSON one', async () => {
    f.upstream.reply = { content: [{ type: 'tool_use', id: 'toolu_W', name: 'get_weather', input: { city: 'Oslo' } }], usage: { input_tokens: 9, output_tokens: 6 } };
    const r = await f.client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Weather in Oslo as JSON' }], tools, response_format: { type: 'json_object' },
    });
    assert.equal(r.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(r.choices[0]!.message.tool_calls?.[0]?.id, 'toolu_W');
    assert.deepEqual(f.upstream.last.body.tool_choice, { type: 'any' });
    assert.deepEqual((f.upstream.last.body.tools as Array<{ name: string }>).map((t) => t.name), ['get_weather', 'get_time', 'json']);
  });

  test('response_format that cannot be honoured is a 400 naming it, never dropped', async () => {
    const count = f.upstream.requests.length;
    await assert.rejects(f.client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'low', response_format: { type: 'json_object' },
    }), (e: { status: number; param: string }) => e.status === 400 && e.param === 'response_format');
    await assert.rejects(f.client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'list', schema: { type: 'array' } } },
    }), (e: { status: number; param: string }) => e.status === 400 && e.param === 'response_format');
    assert.equal(f.upstream.requests.length, count);
  });
});
