import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';
import { until } from '../support/until.js';

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'hi' }] };


describe('client aborts, heartbeats and concurrency', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture({ server: { heartbeat_s: 0.1 } }); });
  after(() => f.close());

  test('a client that aborts mid-stream aborts the upstream request, and the server keeps serving', async () => {
    f.upstream.reply = { choices: [{ text: 'x'.repeat(2000) }], usage: { prompt_tokens: 1, completion_tokens: 500 }, chunkSize: 1, delayMs: 5 };
    const abortedBefore = f.upstream.aborted;
    const controller = new AbortController();
    const stream = await f.client.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal });
    let received = 0;
    try {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta.content?.length ?? 0;
        if (received >= 10) controller.abort();
      }
    } catch { /* the SDK may end the loop or throw on abort */ }
    assert.ok(received < 2000, 'the stream stopped early');
    await until(() => f.upstream.aborted > abortedBefore, 'the upstream to see the abort');
    f.upstream.reply = { choices: [{ text: 'still here' }], usage: { prompt_tokens: 1, completion_tokens: 2 } };
    const r = await f.client.chat.completions.create(ask);
    assert.equal(r.choices[0]!.message.content, 'still here');
  });

  test('a client that aborts a non-streaming request aborts the upstream request', async () => {
    f.upstream.handler = () => { /* never answers */ };
    const abortedBefore = f.upstream.aborted;
    const requestsBefore = f.upstream.requests.length;
    const controller = new AbortController();
    const pending = f.client.chat.completions.create(ask, { signal: controller.signal });
    // This request's own arrival (the test before ended with a non-streaming request too).
    await until(() => f.upstream.requests.length > requestsBefore, 'the upstream request');
    await sleep(50);
    controller.abort();
    await assert.rejects(pending);
    await until(() => f.upstream.aborted > abortedBefore, 'the upstream to see the abort');
    f.upstream.handler = undefined;
  });

  test('SSE comment heartbeats while the upstream is silent, before and after the first token', async () => {
    f.upstream.handler = async (req, res) => {
      await sleep(350); // silent before the first byte
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'u', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ content: 'a' }, null));
      await sleep(350); // silent mid-stream
      res.end(chunk({ content: 'b' }, 'stop') + 'data: [DONE]\n\n');
    };
    try {
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true });
      assert.equal(res.status, 200);
      const frames = res.text.split('\n\n').filter(Boolean);
      const firstContent = frames.findIndex((x) => x.includes('"content":"a"'));
      const secondContent = frames.findIndex((x) => x.includes('"content":"b"'));
      assert.ok(frames.slice(0, firstContent).includes(': ping'), 'a heartbeat before the first token');
      assert.ok(frames.slice(firstContent, secondContent).includes(': ping'), 'a heartbeat between tokens');
      assert.ok(res.text.endsWith('data: [DONE]\n\n'));
    } finally { f.upstream.handler = undefined; }
  });

  test('100 concurrent streams all complete with their full text', async () => {
    f.upstream.reply = { choices: [{ text: 'The quick brown fox jumps over the lazy dog.' }], usage: { prompt_tokens: 3, completion_tokens: 10 }, chunkSize: 3, delayMs: 2 };
    const results = await Promise.all(Array.from({ length: 100 }, async () => {
      const stream = await f.client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let usage = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage += chunk.usage?.total_tokens ?? 0;
      }
      return [text, usage];
    }));
    for (const r of results) assert.deepEqual(r, ['The quick brown fox jumps over the lazy dog.', 13]);
  });
});
