import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { postRaw } from '../support/openai-fixture.js';

const user = [{ role: 'user', content: 'hi' }];

describe('per-model parameter ranges (models[].params)', () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  before(async () => {
    const base = await upstream.start();
    server = await startLingua({
      providers: [{ name: 'ling', type: 'openai', base_url: base }, { name: 'other', type: 'openai', base_url: base }],
      models: [
        { name: 'Ling-1T', provider: 'ling', params: { temperature: { min: 0, max: 1 }, top_p: { gt: 0, max: 1 } } },
        // Two deployments of one model: a value must suit both.
        { name: 'pair', provider: 'ling', params: { max_tokens: { max: 4000 } } },
        { name: 'pair', provider: 'other', params: { max_tokens: { max: 2000 }, presence_penalty: { min: 0 } } },
        { name: 'plain', provider: 'other' },
      ],
    });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const chat = (body: Record<string, unknown>) => postRaw(`${server.url}/v1/chat/completions`, { messages: user, ...body });
  const messages = (body: Record<string, unknown>) => postRaw(`${server.url}/v1/messages`, { messages: user, max_tokens: 100, ...body }, { 'anthropic-version': '2023-06-01' });

  test('out of range → 400 naming the field and the model; nothing reaches the upstream', async () => {
    const count = upstream.requests.length;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ model: 'Ling-1T', temperature: 1.5 }, 'temperature', /^Invalid 'temperature': 1\.5 is greater than the maximum of 1 for model 'Ling-1T'\.$/],
      [{ model: 'Ling-1T', top_p: 0 }, 'top_p', /^Invalid 'top_p': 0 must be greater than 0 for model 'Ling-1T'\.$/],
      [{ model: 'pair', max_tokens: 3000 }, 'max_tokens', /greater than the maximum of 2000/],
      [{ model: 'pair', max_completion_tokens: 4500 }, 'max_tokens', /greater than the maximum of 4000/],
      [{ model: 'pair', presence_penalty: -0.5 }, 'presence_penalty', /less than the minimum of 0/],
    ];
    for (const [body, param, message] of cases) {
      const res = await chat(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = JSON.parse(res.text).error;
      assert.equal(error.param, param);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, message);
    }
    assert.equal(upstream.requests.length, count);
  });

  test('in range passes, bounds included; models without params keep the protocol range (0..2)', async () => {
    for (const body of [{ model: 'Ling-1T', temperature: 1, top_p: 1 }, { model: 'Ling-1T', temperature: 0 }, { model: 'pair', max_tokens: 2000 }, { model: 'plain', temperature: 2 }]) {
      const res = await chat(body);
      assert.equal(res.status, 200, JSON.stringify(body));
    }
    assert.equal((await chat({ model: 'plain', temperature: 2.5 })).status, 400);
  });

  test('Anthropic clients get the same check, in their error shape', async () => {
    const res = await messages({ model: 'pair', max_tokens: 3000 });
    assert.equal(res.status, 400);
    const body = JSON.parse(res.text);
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /'max_tokens': 3000 is greater than the maximum of 2000 for model 'pair'/);
  });

  test('a range must say something', () => {
    assert.throws(() => parseConfig({ providers: [{ name: 'p', type: 'openai', base_url: 'http://x/v1' }], models: [{ name: 'm', provider: 'p', params: { temperature: {} } }] }),
      (e: unknown) => e instanceof ConfigError && /models\[0\]\.params\.temperature: give at least one of min, max, gt, lt/.test(e.message));
    assert.throws(() => parseConfig({ providers: [{ name: 'p', type: 'openai', base_url: 'http://x/v1' }], models: [{ name: 'm', provider: 'p', params: { temprature: { max: 1 } } }] }),
      (e: unknown) => e instanceof ConfigError && /temprature/.test(e.message));
  });
});
