import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { generateTestModels, type TestModels } from './models.js';

describe('llama-cpp provider on a random-weights model', () => {
  let models: TestModels;
  let server: TestServer;
  let client: OpenAI;

  before(async () => {
    models = await generateTestModels();
    server = await startLingua({
      providers: [
        { name: 'rnd', type: 'llama-cpp', model: models.random, context_size: 2048, parallel: 2, threads: 1 },
        // One sequence and no queue: a second request while it is busy is refused at once.
        { name: 'single', type: 'llama-cpp', model: models.random, context_size: 8192, parallel: 1, max_queue: 0, threads: 1 },
      ],
      models: [{ name: 'random', provider: 'rnd' }, { name: 'single', provider: 'single' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  const hi = [{ role: 'user' as const, content: 'Hi' }];

  test('max_tokens ends a never-ending model with finish_reason length and exact counts', async () => {
    const r = await client.chat.completions.create({ model: 'random', messages: hi, max_tokens: 17 });
    assert.equal(r.choices[0]!.finish_reason, 'length');
    assert.equal(r.usage?.completion_tokens, 17);
    assert.ok(r.choices[0]!.message.content!.length > 0);
  });

  test('the same seed gives the same text', async () => {
    const ask = () => client.chat.completions.create({ model: 'random', messages: hi, max_tokens: 12, seed: 5, temperature: 1 });
    const [a, b] = [await ask(), await ask()];
    assert.equal(a.choices[0]!.message.content, b.choices[0]!.message.content);
  });

  test('json_schema output is valid against the schema', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, size: { enum: ['small', 'large'] }, tags: { type: 'array', items: { enum: [1, 2] }, maxItems: 2 } },
      required: ['ok', 'size', 'tags'],
      additionalProperties: false,
    };
    for (let seed = 1; seed <= 3; seed++) {
      const r = await client.chat.completions.create({ model: 'random', messages: hi, seed, max_tokens: 200, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } });
      assert.equal(r.choices[0]!.finish_reason, 'stop');
      const value = JSON.parse(r.choices[0]!.message.content!) as Record<string, unknown>;
      assert.deepEqual(Object.keys(value).sort(), ['ok', 'size', 'tags']);
      assert.equal(typeof value.ok, 'boolean');
      assert.ok(['small', 'large'].includes(value.size as string));
      assert.ok(Array.isArray(value.tags) && value.tags.length <= 2 && value.tags.every((t) => t === 1 || t === 2));
    }
  });

  test('json_object output is a JSON object (or a valid prefix of one when cut by max_tokens)', async () => {
    const r = await client.chat.completions.create({ model: 'random', messages: hi, max_tokens: 40, response_format: { type: 'json_object' } });
    const text = r.choices[0]!.message.content!;
    assert.match(text, /^\s*\{/);
    if (r.choices[0]!.finish_reason === 'stop') assert.equal(typeof JSON.parse(text), 'object');
  });

  test('tool_choice required makes a tool call whose arguments fit the schema, streamed', async () => {
    const stream = await client.chat.completions.create({
      model: 'random',
      messages: hi,
      max_tokens: 300,
      stream: true,
      parallel_tool_calls: false,
      tools: [{ type: 'function', function: { name: 'set_unit', parameters: { type: 'object', properties: { unit: { enum: ['c', 'f'] } }, required: ['unit'] } } }],
      tool_choice: 'required',
    });
    const got = await collectStream(stream);
    assert.deepEqual(got.finishReasons, ['tool_calls']);
    assert.equal(got.toolCalls.length, 1);
    const call = got.toolCalls[0]!;
    assert.equal(call.name, 'set_unit');
    assert.ok(call.idAndNameFirst);
    assert.match(call.id!, /^call_/);
    const args = JSON.parse(call.arguments) as { unit: string };
    assert.ok(['c', 'f'].includes(args.unit));
  });

  test('a client that goes away frees its sequence at once', async () => {
    const controller = new AbortController();
    const first = await client.chat.completions.create({ model: 'single', messages: hi, stream: true }, { signal: controller.signal });
    const reading = (async () => {
      let chunks = 0;
      try {
        for await (const _ of first) if (++chunks === 5) controller.abort();
      } catch { /* aborted */ }
      return chunks;
    })();
    assert.equal(await reading, 5);
    // The model would go on for ~8000 tokens; with the sequence freed, the next request gets it.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'single', messages: hi, max_tokens: 3 }) });
      status = res.status;
      await res.arrayBuffer();
      if (status === 429) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 200);
  });

  test('a full queue is a 429 with Retry-After', async () => {
    const controller = new AbortController();
    const busy = await client.chat.completions.create({ model: 'single', messages: hi, stream: true }, { signal: controller.signal });
    const iterator = busy[Symbol.asyncIterator]();
    await iterator.next(); // generating now
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'single', messages: hi, max_tokens: 3 }) });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'model_busy');
    controller.abort();
    await iterator.return?.();
  });

  test('more parallel streams than sequences all complete', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, async (_, i) => collectStream(await client.chat.completions.create({
      model: 'random', messages: [{ role: 'user', content: `Hi ${i}` }], max_tokens: 20, stream: true, stream_options: { include_usage: true },
    }))));
    for (const r of results) {
      assert.deepEqual(r.finishReasons, ['length']);
      assert.equal(r.usages[0]?.completion_tokens, 20);
    }
  });
});
