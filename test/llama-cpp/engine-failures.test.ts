import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LlamaContextSequence } from 'node-llama-cpp';
import { DEMO_ANSWER, DEMO_MODEL, ensureDemoModel } from '../../src/providers/llama-cpp/zero-config.js';
import { chatPaths, invalidRequestIn, type ErrorShape } from '../support/error-shape.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { generateTestModels, SCRIPT, type TestModels } from './models.js';

/** A chat body for `path` as JSON text, with `more` (raw JSON members) spliced in as written: escaped keys stay escaped. */
function body(path: string, model: string, stream: boolean, more = ''): string {
  const head = path === '/v1/messages' ? `{"model":"${model}","max_tokens":64,` : `{"model":"${model}",`;
  return `${head}"stream":${stream},"messages":[{"role":"user","content":"hi"}]${more === '' ? '' : `,${more}`}}`;
}

/** The answer's text: a completion's, an envelope's, a message's, or a stream's deltas joined. */
function answerText(path: string, text: string, stream: boolean): string {
  if (!stream) {
    const json = JSON.parse(text) as Record<string, any>;
    if (path === '/v1/messages') return json.content.map((b: { text: string }) => b.text).join('');
    return (path === '/v1/chat/completions' ? json : json.data).choices[0].message.content;
  }
  const datas = text.split('\n').filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]').map((l) => JSON.parse(l.slice(6)) as Record<string, any>);
  if (path === '/v1/messages') return datas.map((d) => d.delta?.text ?? '').join('');
  return datas.map((d) => d.choices?.[0]?.delta?.content ?? '').join('');
}

async function post(server: TestServer, path: string, text: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  return { status: res.status, text: await res.text() };
}

describe('the local engine: bad values get a 400, and a failure inside the engine ends only its request', () => {
  let models: TestModels;
  let cache: string;
  let server: TestServer;
  before(async () => {
    models = await generateTestModels();
    cache = await mkdtemp(join(tmpdir(), 'lingua-demo-'));
    server = await startLingua({
      providers: [
        // As zero-config serves it (zero-config.ts).
        { name: DEMO_MODEL, type: 'llama-cpp', model: await ensureDemoModel(cache), context_size: 2048, parallel: 1, threads: 1 },
        { name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 512, parallel: 2, threads: 1 },
      ],
      models: [{ name: DEMO_MODEL, provider: DEMO_MODEL }, { name: 'scripted', provider: 'local' }],
    });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
    if (cache !== undefined) await rm(cache, { recursive: true, force: true });
  });

  async function assertServes(): Promise<void> {
    for (const { path } of chatPaths) {
      for (const stream of [false, true]) {
        const res = await post(server, path, body(path, DEMO_MODEL, stream));
        assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
        assert.equal(answerText(path, res.text, stream), DEMO_ANSWER, path);
      }
    }
  }

  test('a __proto__ key in any spelling, holding engine options of the wrong type, is a 400 in the caller\'s shape', async () => {
    const keys = ['\\u005f_proto__', '__proto\\u005f_', '__proto__'];
    const options = ['{"top_k":"abc"}', '{"min_p":"abc"}', '{"repeat_penalty":"abc"}', '{"top_k":"abc","min_p":[],"repeat_penalty":{}}'];
    for (const { path, shape } of chatPaths) {
      for (const stream of [false, true]) {
        for (const key of keys) {
          for (const value of options) {
            const res = await post(server, path, body(path, DEMO_MODEL, stream, `"${key}":${value}`));
            const what = `${path}${stream ? ' streaming' : ''} "${key}":${value}`;
            assert.equal(res.status, 400, `${what}: ${res.text.slice(0, 300)}`);
            assert.match(invalidRequestIn(shape, res.text).message, /__proto__/, what);
          }
        }
      }
    }
    await assertServes();
  });

  test('engine options of the wrong type or out of range are a 400 naming the field, streaming or not', async () => {
    const cases: Array<[string, string]> = [
      // top_k -1 is vLLM's "off" (accepted below).
      ['top_k', '"abc"'], ['top_k', '-2'], ['top_k', '1.5'], ['top_k', '{}'],
      ['min_p', '"abc"'], ['min_p', '2'], ['min_p', '-0.5'], ['min_p', '[0.1]'],
      ['repeat_penalty', '"abc"'], ['repeat_penalty', '0'], ['repeat_penalty', '-1'], ['repeat_penalty', 'true'],
    ];
    const openAIPaths = chatPaths.filter((p) => p.shape !== 'anthropic');
    for (const { path, shape } of openAIPaths) {
      for (const stream of [false, true]) {
        for (const [field, value] of cases) {
          const res = await post(server, path, body(path, DEMO_MODEL, stream, `"${field}":${value}`));
          const what = `${path}${stream ? ' streaming' : ''} ${field}: ${value}`;
          assert.equal(res.status, 400, `${what}: ${res.text.slice(0, 300)}`);
          const error = invalidRequestIn(shape as ErrorShape, res.text);
          assert.match(error.message, new RegExp(`'${field}'`), what);
          if (shape === 'openai') assert.equal(error.param, field, what);
        }
      }
    }
    for (const stream of [false, true]) {
      for (const value of ['"abc"', '-1', '1.5']) {
        const res = await post(server, '/v1/messages', body('/v1/messages', DEMO_MODEL, stream, `"top_k":${value}`));
        assert.equal(res.status, 400, `/v1/messages top_k: ${value}`);
        assert.match(invalidRequestIn('anthropic', res.text).message, /^top_k: /);
      }
    }
    await assertServes();
  });

  test('an explicit "off" (false or null) for an engine option is accepted and handed to nobody', async () => {
    for (const { path } of chatPaths.filter((p) => p.shape !== 'anthropic')) {
      for (const stream of [false, true]) {
        for (const off of ['"top_k":false', '"top_k":-1']) {
          const res = await post(server, path, body(path, DEMO_MODEL, stream, `${off},"min_p":false,"repeat_penalty":false,"seed":null`));
          assert.equal(res.status, 200, `${path} ${off}: ${res.text.slice(0, 300)}`);
        }
      }
    }
    await assertServes();
  });

  test('JSON schemas the grammar cannot be built from are a 400 naming the keyword, in tools and response_format', async () => {
    const schemas: Array<[Record<string, unknown>, string]> = [
      [{ type: 'object', properties: { a: { type: 5 } } }, 'properties.a.type'],
      [{ type: 'banana' }, 'type'],
      [{ type: 'object', properties: 'abc' }, 'properties'],
      [{ type: 'object', properties: { a: { enum: 5 } } }, 'properties.a.enum'],
      [{ type: 'object', properties: { a: { const: { b: [1] } } } }, 'properties.a.const'],
      [{ type: 'object', properties: { a: { type: 'string', minLength: 'a' } } }, 'properties.a.minLength'],
      [{ type: 'object', properties: { a: { type: 'array', minItems: 10_000_000 } } }, 'properties.a.minItems'],
      [{ type: 'object', properties: { a: { anyOf: 'x' } } }, 'properties.a.anyOf'],
      [{ type: 'object', required: 'a' }, 'required'],
    ];
    for (const [schema, at] of schemas) {
      const asTool = { tools: [{ type: 'function', function: { name: 'f', parameters: schema } }], tool_choice: 'required' };
      const asFormat = { response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } };
      for (const [more, param] of [[asTool, `tools[0].function.parameters.${at}`], [asFormat, `response_format.json_schema.schema.${at}`]] as const) {
        const res = await post(server, '/v1/chat/completions', JSON.stringify({ model: 'scripted', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, ...more }));
        assert.equal(res.status, 400, `${param}: ${res.text.slice(0, 300)}`);
        assert.equal(invalidRequestIn('openai', res.text).param, param);
      }
    }
    await assertServes();
  });

  // Without the guard, node-llama-cpp's rejection goes unhandled: Node exits, or under the test runner the request hangs.
  test('whatever the sampler throws inside the decode loop ends that request with an error, frees its sequence, and no other request', { timeout: 30_000 }, async () => {
    // The real failure, forced past the checks: a sampler option of the wrong type reaches the native
    // applyConfig inside node-llama-cpp's batch loop (asynchronously), or building the config throws (synchronously).
    const proto = LlamaContextSequence.prototype as unknown as { _resolveSamplerConfig(options: { temperature?: number }): Record<string, unknown> };
    const resolve = proto._resolveSamplerConfig;
    let failures = 0;
    proto._resolveSamplerConfig = function (this: unknown, options) {
      const config = resolve.call(this, options);
      if (options.temperature === 0.375) {
        failures++;
        config.topK = 'abc';
      }
      if (options.temperature === 0.625) {
        failures++;
        throw new TypeError('the sampler config could not be built');
      }
      return config;
    };
    try {
      for (const { path, shape } of chatPaths) {
        for (const stream of [false, true]) {
          for (const temperature of [0.375, 0.625]) {
            for (const model of [DEMO_MODEL, 'scripted']) {
              // On the two-sequence model a healthy request shares the engine's batches with the failing one.
              const healthy = model === 'scripted' ? post(server, path, body(path, model, false)) : undefined;
              const res = await post(server, path, body(path, model, stream, `"temperature":${temperature}`));
              const what = `${path}${stream ? ' streaming' : ''} ${model} temperature ${temperature}`;
              assert.ok(res.status === 500 || (stream && res.status === 200), `${what}: ${res.status} ${res.text.slice(0, 300)}`);
              assert.match(res.text, /The local engine failed/, what);
              if (shape === 'openai' && !stream) assert.equal((JSON.parse(res.text) as { error: { code: string } }).error.code, 'engine_error');
              if (healthy !== undefined) {
                const ok = await healthy;
                assert.equal(ok.status, 200, `${what}, the healthy request: ${ok.text.slice(0, 300)}`);
                assert.equal(answerText(path, ok.text, false), SCRIPT);
              }
            }
          }
        }
      }
      assert.ok(failures >= chatPaths.length * 2 * 2 * 2);
    } finally {
      proto._resolveSamplerConfig = resolve;
    }
    await assertServes();
  });
});
