import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { collectStream } from '../support/collect-stream.js';
import { sendError } from '../support/fake-anthropic.js';
import { postRaw, sseData } from '../support/openai-fixture.js';

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('OpenAI clients over an Anthropic upstream: text, request mapping, usage, reasoning', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test('non-streaming: text, finish, usage; POST {base_url}/messages with x-api-key and anthropic-version', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'Hi there.' }], usage: { input_tokens: 11, output_tokens: 3 } };
    const r = await f.client.chat.completions.create(ask);
    assert.equal(r.choices[0]!.message.content, 'Hi there.');
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    assert.equal(r.model, 'm1');
    assert.deepEqual(r.usage, { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
    const up = f.upstream.last;
    assert.equal(up.path, '/v1/messages');
    assert.equal(up.headers['x-api-key'], 'anthropic-secret-key');
    assert.equal(up.headers['anthropic-version'], '2023-06-01');
    assert.equal(up.headers.authorization, undefined);
    // max_tokens is required by Anthropic: the documented default when the client gave none.
    assert.deepEqual(up.body, { model: 'claude-up', max_tokens: 4096, messages: [{ role: 'user', content: 'Hello' }] });
  });

  test('request mapping: system, merged turns, images, stop, sampling, max tokens, user, pass-through fields', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await f.client.chat.completions.create({
      model: 'm1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'First.' },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } }] },
        { role: 'assistant', content: 'Seen.' },
        { role: 'developer', content: 'Answer in French.' },
        { role: 'user', content: 'Again?' },
      ],
      stop: ['END', 'STOP'],
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 77,
      user: 'user-7',
      // @ts-expect-error fields Lingua does not model are passed through to the upstream
      top_k: 5,
    });
    assert.deepEqual(f.upstream.last.body, {
      top_k: 5,
      model: 'claude-up',
      max_tokens: 77,
      system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Answer in French.' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'First.' },
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
        { role: 'assistant', content: 'Seen.' },
        { role: 'user', content: 'Again?' },
      ],
      stop_sequences: ['END', 'STOP'],
      temperature: 0.5,
      top_p: 0.9,
      metadata: { user_id: 'user-7' },
    });
  });

  test('streaming: role first, text deltas, one finish_reason, [DONE]; the upstream was asked to stream', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'Streaming works fine.' }], usage: { input_tokens: 5, output_tokens: 4 }, chunkSize: 3 };
    const got = await collectStream(await f.client.chat.completions.create({ ...ask, stream: true }));
    assert.equal(got.chunks[0]!.choices[0]!.delta.role, 'assistant');
    assert.equal(got.text, 'Streaming works fine.');
    assert.deepEqual(got.finishReasons, ['stop']);
    assert.deepEqual(got.usages, []);
    assert.equal(f.upstream.last.body.stream, true);
  });

  test('streaming usage: input from message_start, cumulative message_delta totals taken once, never summed', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'one two three four' }], usage: { input_tokens: 9, output_tokens: 4 }, chunkSize: 2 };
    const got = await collectStream(await f.client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }));
    assert.deepEqual(got.usages, [{ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }]);
  });

  test('usage: cache reads and writes count as input, cache reads as cached', async () => {
    f.upstream.reply = {
      content: [{ type: 'text', text: 'cached' }],
      usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
    };
    const r = await f.client.chat.completions.create(ask);
    assert.deepEqual(r.usage, { prompt_tokens: 125, completion_tokens: 7, total_tokens: 132, prompt_tokens_details: { cached_tokens: 100 } });
  });

  test('stop reasons: stop_sequence → stop, max_tokens → length, refusal → content_filter', async () => {
    const cases: Array<[string, string | null, string]> = [['stop_sequence', 'END', 'stop'], ['max_tokens', null, 'length'], ['refusal', null, 'content_filter'], ['end_turn', null, 'stop']];
    for (const [stop_reason, stop_sequence, expected] of cases) {
      f.upstream.reply = { content: [{ type: 'text', text: 'counting 1 2' }], stop_reason, stop_sequence, usage: { input_tokens: 2, output_tokens: 3 } };
      const r = await f.client.chat.completions.create({ ...ask, stop: ['END'] });
      assert.equal(r.choices[0]!.finish_reason, expected, stop_reason);
      const got = await collectStream(await f.client.chat.completions.create({ ...ask, stop: ['END'], stream: true }));
      assert.deepEqual(got.finishReasons, [expected], `${stop_reason}, streamed`);
    }
  });

  test('thinking blocks reach the client as reasoning_content, streamed and not', async () => {
    f.upstream.reply = {
      content: [{ type: 'thinking', thinking: 'Let me think about it.', signature: 'sig-abc' }, { type: 'text', text: 'Done.' }],
      usage: { input_tokens: 2, output_tokens: 5 },
    };
    const r = await f.client.chat.completions.create(ask);
    const message = r.choices[0]!.message as unknown as { reasoning_content: string; content: string };
    assert.equal(message.reasoning_content, 'Let me think about it.');
    assert.equal(message.content, 'Done.');

    const got = await collectStream(await f.client.chat.completions.create({ ...ask, stream: true }));
    assert.equal(got.reasoning, 'Let me think about it.');
    assert.equal(got.text, 'Done.');
  });

  test('reasoning_effort becomes thinking.budget_tokens (documented numbers), inside the client max_tokens', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 1, output_tokens: 1 } };
    await f.client.chat.completions.create({ ...ask, reasoning_effort: 'medium' });
    assert.deepEqual(f.upstream.last.body.thinking, { type: 'enabled', budget_tokens: 8192 });
    assert.equal(f.upstream.last.body.max_tokens, 4096 + 8192);

    await f.client.chat.completions.create({ ...ask, reasoning_effort: 'low', max_completion_tokens: 10000 });
    assert.deepEqual(f.upstream.last.body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(f.upstream.last.body.max_tokens, 10000);

    await f.client.chat.completions.create({ ...ask, reasoning_effort: 'high', max_completion_tokens: 3000 });
    assert.deepEqual(f.upstream.last.body.thinking, { type: 'enabled', budget_tokens: 2999 });

    const count = f.upstream.requests.length;
    await assert.rejects(f.client.chat.completions.create({ ...ask, reasoning_effort: 'high', max_completion_tokens: 1000 }),
      (e: { status: number; param: string }) => e.status === 400 && e.param === 'max_tokens');
    assert.equal(f.upstream.requests.length, count, 'rejected before reaching the upstream');

    await f.client.chat.completions.create({ ...ask, reasoning_effort: 'none' });
    assert.equal(f.upstream.last.body.thinking, undefined);
  });

  test('the enveloped endpoint (seed 002) over the same upstream: success and failure envelopes', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'Wrapped.' }], usage: { input_tokens: 4, output_tokens: 2 } };
    const ok = await postRaw(`${f.server.url}/api/v1/chat/completions`, ask);
    assert.equal(ok.status, 200);
    const body = JSON.parse(ok.text);
    assert.equal(body.success, true);
    assert.equal(body.data.choices[0].message.content, 'Wrapped.');
    assert.deepEqual(body.data.usage, { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });

    f.upstream.handler = (_req, res) => sendError(res, 529, 'overloaded_error', 'Overloaded');
    try {
      const failed = await postRaw(`${f.server.url}/api/v1/chat/completions`, ask);
      assert.equal(failed.status, 529);
      const envelope = JSON.parse(failed.text);
      assert.deepEqual([envelope.success, envelope.code, envelope.data], [false, '529', null]);
      assert.match(envelope.message, /Overloaded/);
    } finally { f.upstream.handler = undefined; }
  });

  test('the raw stream is plain OpenAI SSE with no trace of Anthropic events', async () => {
    f.upstream.reply = { content: [{ type: 'text', text: 'Yo' }], usage: { input_tokens: 1, output_tokens: 1 }, chunkSize: 10 };
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
    assert.equal(res.status, 200);
    const frames = sseData(res.text);
    assert.deepEqual(frames.map((d) => d === '[DONE]' ? d : JSON.parse(d).choices[0]), [
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Yo' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      '[DONE]',
    ]);
    assert.ok(!res.text.includes('event:'));
  });
});
