import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_KEY, openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';

const user = [{ role: 'user', content: 'hi' }];

/** [what, request fields (over a valid request), the param the 400 must name] */
const invalid: Array<[string, Record<string, unknown>, string]> = [
  ['model missing', { model: undefined }, 'model'],
  ['model not a string', { model: 5 }, 'model'],
  ['messages missing', { messages: undefined }, 'messages'],
  ['messages empty', { messages: [] }, 'messages'],
  ['unknown role', { messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
  ['content of the wrong type', { messages: [{ role: 'user', content: 5 }] }, 'messages[0].content'],
  ['unknown content part', { messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }, 'messages[0].content[0].type'],
  ['image part without url', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content[0].image_url.url'],
  ['tool message without tool_call_id', { messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
  ['temperature above 2', { temperature: 2.5 }, 'temperature'],
  ['temperature below 0', { temperature: -0.1 }, 'temperature'],
  ['temperature a string', { temperature: 'hot' }, 'temperature'],
  ['top_p above 1', { top_p: 1.5 }, 'top_p'],
  ['n zero', { n: 0 }, 'n'],
  ['n fractional', { n: 1.5 }, 'n'],
  ['presence_penalty above 2', { presence_penalty: 3 }, 'presence_penalty'],
  ['frequency_penalty below -2', { frequency_penalty: -3 }, 'frequency_penalty'],
  ['five stop sequences', { stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
  ['stop a number', { stop: 5 }, 'stop'],
  ['max_tokens zero', { max_tokens: 0 }, 'max_tokens'],
  ['max_tokens negative', { max_tokens: -5 }, 'max_tokens'],
  ['max_completion_tokens fractional', { max_completion_tokens: 2.5 }, 'max_completion_tokens'],
  ['logit_bias out of range', { logit_bias: { '1': 200 } }, 'logit_bias.1'],
  ['seed fractional', { seed: 1.5 }, 'seed'],
  ['stream not a boolean', { stream: 'yes' }, 'stream'],
  ['stream_options.include_usage not a boolean', { stream: true, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
  ['tools of an unknown type', { tools: [{ type: 'retrieval' }] }, 'tools[0].type'],
  ['tool name with spaces', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools[0].function.name'],
  ['tool_choice unknown', { tool_choice: 'sometimes' }, 'tool_choice'],
  ['tool_choice naming no tool', { tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice'],
  ['response_format unknown', { response_format: { type: 'yaml' } }, 'response_format.type'],
  ['json_schema without name', { response_format: { type: 'json_schema', json_schema: { schema: {} } } }, 'response_format.json_schema.name'],
  ['reasoning_effort unknown', { reasoning_effort: 'extreme' }, 'reasoning_effort'],
  ['modalities unknown', { modalities: ['smell'] }, 'modalities[0]'],
  ['user not a string', { user: 42 }, 'user'],
];

describe('request validation: 400 in OpenAI shape naming the field', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f.close());

  for (const [what, fields, param] of invalid) {
    test(what, async () => {
      const before = f.upstream.requests.length;
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: user, ...fields });
      assert.equal(res.status, 400, res.text);
      const body = JSON.parse(res.text);
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.param, param, body.error.message);
      assert.match(body.error.message, new RegExp(param.replace(/[[\].]/g, '\\$&')));
      assert.equal(f.upstream.requests.length, before, 'nothing reaches the upstream');
    });
  }

  test('the official client sees a BadRequestError with param', async () => {
    await assert.rejects(
      f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'x' }], temperature: 9 }),
      (e: { status: number; param: string; type: string }) => e.status === 400 && e.param === 'temperature' && e.type === 'invalid_request_error',
    );
  });

  test('null optional fields are accepted, as the SDKs send them', async () => {
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, {
      model: 'm1', messages: user, temperature: null, top_p: null, n: null, stop: null, max_tokens: null, tools: null, tool_choice: null,
      stream_options: null, response_format: null, seed: null, user: null, logit_bias: null,
    });
    assert.equal(res.status, 200, res.text);
  });

  test('malformed JSON → 400 invalid_json', async () => {
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, '{"model": "m1", "messages": [');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.text).error.code, 'invalid_json');
  });

  test('a body that is not an object → 400', async () => {
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, '[1,2]');
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.text).error.type, 'invalid_request_error');
  });

  test('unknown model → 404 model_not_found naming param model', async () => {
    await assert.rejects(
      f.client.chat.completions.create({ model: 'gpt-nonexistent', messages: [{ role: 'user', content: 'x' }] }),
      (e: { status: number; code: string; param: string }) => e.status === 404 && e.code === 'model_not_found' && e.param === 'model',
    );
  });

  test('missing and wrong keys → 401, for chat and models', async () => {
    const missing = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: user }, { authorization: '' });
    assert.equal(missing.status, 401);
    assert.equal(JSON.parse(missing.text).error.code, 'missing_api_key');
    const wrong = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: user }, { authorization: 'Bearer sk-wrong-key' });
    assert.equal(wrong.status, 401);
    assert.equal(JSON.parse(wrong.text).error.code, 'invalid_api_key');
    assert.ok(!wrong.text.includes('sk-wrong-key'), 'the presented key is not echoed');
    const models = await fetch(`${f.server.url}/v1/models`, { headers: { authorization: 'Bearer nope-nope-nope' } });
    assert.equal(models.status, 401);
    const ok = await fetch(`${f.server.url}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(ok.status, 200);
  });

  test('unknown endpoint → 404 in OpenAI shape', async () => {
    const res = await fetch(`${f.server.url}/v1/nothing-here`);
    assert.equal(res.status, 404);
    assert.equal((await res.json() as { error: { type: string } }).error.type, 'invalid_request_error');
  });
});

describe('body size limit', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture({ server: { body_limit_mb: 0.05 } }); });
  after(() => f.close());

  test('a body over the limit → 413 that the official client can read, and the server keeps serving', async () => {
    const big = 'x'.repeat(200 * 1024);
    await assert.rejects(
      f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: big }] }),
      (e: { status: number; error: { code: string } }) => e.status === 413 && e.error?.code === 'request_too_large',
    );
    const r = await f.client.chat.completions.create({ model: 'm1', messages: [{ role: 'user', content: 'small' }] });
    assert.equal(r.choices.length, 1);
  });
});
