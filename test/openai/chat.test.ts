import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { after, before, describe, test } from 'node:test';
import { openAIFixture, postRaw, sseData, type OpenAIFixture } from '../support/openai-fixture.js';

describe('POST /v1/chat/completions over an OpenAI-compatible upstream', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f.close());

  test('non-streaming: the completion, usage and the public model name', async () => {
    f.upstream.reply = { choices: [{ text: 'Hi there.' }], usage: { prompt_tokens: 11, completion_tokens: 3 } };
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(r.object, 'chat.completion');
    assert.equal(r.model, 'm1');
    assert.match(r.id, /^chatcmpl-/);
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0]!.message.content, 'Hi there.');
    assert.equal(r.choices[0]!.message.role, 'assistant');
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.deepEqual(r.usage, { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    // The upstream got its own model id, its own key, and the messages.
    assert.equal(f.upstream.last.body.model, 'up-model');
    assert.equal(f.upstream.last.headers.authorization, 'Bearer upstream-secret-key');
    assert.deepEqual(f.upstream.last.body.messages, [{ role: 'user', content: 'Hello' }]);
    assert.equal(f.upstream.last.body.stream, undefined);
  });

  test('request fields reach the upstream, unknown vendor fields included', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    await f.client.chat.completions.create({
      model: 'm1',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 77,
      stop: ['END'],
      presence_penalty: 0.1,
      frequency_penalty: -0.1,
      logit_bias: { '42': 5 },
      seed: 7,
      user: 'u-1',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
      // @ts-expect-error vendor extensions pass through untouched (seed 000's enable_search: see test/search/)
      chat_template_kwargs: { enable_thinking: false },
    });
    const body = f.upstream.last.body;
    assert.deepEqual(body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
    ]);
    assert.equal(body.temperature, 0.5);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.max_tokens, 77);
    assert.deepEqual(body.stop, ['END']);
    assert.equal(body.presence_penalty, 0.1);
    assert.equal(body.frequency_penalty, -0.1);
    assert.deepEqual(body.logit_bias, { '42': 5 });
    assert.equal(body.seed, 7);
    assert.equal(body.user, 'u-1');
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } });
    assert.equal(body.reasoning_effort, 'low');
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
  });

  test('streaming: role first, content deltas, one finish_reason, [DONE]; usage stripped when not asked', async () => {
    f.upstream.reply = { choices: [{ text: 'Streaming works fine.' }], usage: { prompt_tokens: 5, completion_tokens: 4 }, chunkSize: 3 };
    const stream = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Streaming works fine.');
    assert.deepEqual(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0]!.finish_reason), ['stop']);
    assert.ok(chunks.every((c) => c.usage == null), 'no usage chunk unless include_usage');
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'm1' && c.id === chunks[0]!.id));
    // Lingua always asks the upstream for usage, for its own accounting.
    assert.deepEqual(f.upstream.last.body.stream_options, { include_usage: true });
  });

  test('streaming with include_usage: a final chunk with choices [] and the usage', async () => {
    f.upstream.reply = { choices: [{ text: 'abc' }], usage: { prompt_tokens: 5, completion_tokens: 2 } };
    const stream = await f.client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
    assert.equal(chunks.filter((c) => c.usage != null).length, 1);
  });

  test('cumulative usage on every upstream chunk is reported once, never summed', async () => {
    f.upstream.reply = { choices: [{ text: 'one two three four' }], usage: { prompt_tokens: 9, completion_tokens: 4 }, cumulativeUsage: true, chunkSize: 2 };
    const stream = await f.client.chat.completions.create({
      model: 'm1', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true },
    });
    const usages = [];
    for await (const chunk of stream) if (chunk.usage) usages.push(chunk.usage);
    assert.deepEqual(usages, [{ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }]);
  });

  test('the raw stream is byte-exact OpenAI SSE', async () => {
    f.upstream.reply = { choices: [{ text: 'Yo' }], usage: { prompt_tokens: 1, completion_tokens: 1 }, chunkSize: 10 };
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'x' }], stream: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.ok(res.text.endsWith('data: [DONE]\n\n'));
    const frames = sseData(res.text);
    assert.equal(frames.length, 4);
    const [role, content, finish] = frames.slice(0, 3).map((d) => JSON.parse(d));
    assert.deepEqual(role.choices, [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    assert.deepEqual(content.choices, [{ index: 0, delta: { content: 'Yo' }, logprobs: null, finish_reason: null }]);
    assert.deepEqual(finish.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(Object.keys(role), ['id', 'object', 'created', 'model', 'choices']);
  });

  test('parallel tool calls, streamed: each with its index, id and name first, arguments concatenated', async () => {
    const calls = [
      { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_b', name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
    ];
    f.upstream.reply = { choices: [{ toolCalls: calls }], usage: { prompt_tokens: 20, completion_tokens: 15 }, chunkSize: 5 };
    const tools = [
      { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object' } } },
    ];
    const stream = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'Weather and time?' }], tools, stream: true });
    const seen = new Map<number, { id?: string; name?: string; args: string; firstHadId: boolean }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
        let s = seen.get(d.index);
        if (s === undefined) {
          s = { args: '', firstHadId: d.id !== undefined && d.function?.name !== undefined };
          seen.set(d.index, s);
        }
        if (d.id) s.id = d.id;
        if (d.function?.name) s.name = d.function.name;
        s.args += d.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'tool_calls');
    assert.deepEqual([...seen.entries()].map(([i, s]) => [i, s.id, s.name, s.args, s.firstHadId]), [
      [0, 'call_a', 'get_weather', calls[0]!.arguments, true],
      [1, 'call_b', 'get_time', calls[1]!.arguments, true],
    ]);
    assert.deepEqual((f.upstream.last.body.tools as unknown[]).length, 2);
  });

  test('tool calls and tool results, non-streaming round trip', async () => {
    f.upstream.reply = { choices: [{ toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' }] }], usage: { prompt_tokens: 3, completion_tokens: 3 } };
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } }];
    const first = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'find x' }], tools, tool_choice: 'required' });
    const message = first.choices[0]!.message;
    assert.equal(first.choices[0]!.finish_reason, 'tool_calls');
    assert.equal(message.content, null);
    assert.deepEqual(message.tool_calls, [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }]);
    assert.equal(f.upstream.last.body.tool_choice, 'required');

    f.upstream.reply = { choices: [{ text: 'x is 42' }], usage: { prompt_tokens: 9, completion_tokens: 3 } };
    const second = await f.client.chat.completions.create({
      model: 'm1',
      tools,
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      messages: [
        { role: 'user', content: 'find x' },
        message,
        { role: 'tool', tool_call_id: 'call_1', content: '42' },
      ],
    });
    assert.equal(second.choices[0]!.message.content, 'x is 42');
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'user', content: 'find x' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '42' },
    ]);
    assert.deepEqual(f.upstream.last.body.tool_choice, { type: 'function', function: { name: 'lookup' } });
  });

  test('n: 2 returns two choices, streamed and not', async () => {
    f.upstream.reply = { choices: [{ text: 'first answer' }, { text: 'second answer', finish: 'length' }], usage: { prompt_tokens: 4, completion_tokens: 6 } };
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'x' }], n: 2 });
    assert.equal(f.upstream.last.body.n, 2);
    assert.deepEqual(r.choices.map((c) => [c.index, c.message.content, c.finish_reason]), [[0, 'first answer', 'stop'], [1, 'second answer', 'length']]);

    const stream = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'x' }], n: 2, stream: true });
    const text = ['', ''];
    const finishes: Array<[number, string]> = [];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text[c.index] += c.delta.content ?? '';
        if (c.finish_reason) finishes.push([c.index, c.finish_reason]);
      }
    }
    assert.deepEqual(text, ['first answer', 'second answer']);
    assert.deepEqual(finishes, [[0, 'stop'], [1, 'length']]);
  });

  test('stop: a string becomes a one-element list upstream; finish_reason stop', async () => {
    f.upstream.reply = { choices: [{ text: 'counting 1 2', finish: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 3 } };
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'count' }], stop: '3' });
    assert.deepEqual(f.upstream.last.body.stop, ['3']);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
  });

  test('reasoning_content reaches the client, streamed and not; on the next turn it is left out for an upstream not marked to take it (accepts_reasoning_content: test/translation/upstream-validity.test.ts)', async () => {
    f.upstream.reply = { choices: [{ reasoning: 'Let me think.', text: 'Done.' }], usage: { prompt_tokens: 2, completion_tokens: 5 } };
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'q' }] });
    const message = r.choices[0]!.message as unknown as { reasoning_content: string; content: string };
    assert.equal(message.reasoning_content, 'Let me think.');
    assert.equal(message.content, 'Done.');

    const stream = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'q' }], stream: true });
    let reasoning = '';
    for await (const chunk of stream) reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '';
    assert.equal(reasoning, 'Let me think.');

    await f.client.chat.completions.create({
      model: 'm1',
      // @ts-expect-error reasoning_content is a vendor field of assistant messages
      messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'Done.', reasoning_content: 'Let me think.' }, { role: 'user', content: 'more' }],
    });
    assert.deepEqual((f.upstream.last.body.messages as unknown[])[1], { role: 'assistant', content: 'Done.' });
  });

  test('GET /v1/models and /v1/models/{id}', async () => {
    const list = await f.client.models.list();
    assert.deepEqual(list.data.map((m) => [m.id, m.object, m.owned_by]), [['m1', 'model', 'lingua']]);
    const one = await f.client.models.retrieve('m1');
    assert.equal(one.id, 'm1');
    await assert.rejects(f.client.models.retrieve('missing'), (e: { status: number; code: string }) => e.status === 404 && e.code === 'model_not_found');
  });
});
