import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import { messagesFixture, postAnthropic, type MessagesFixture } from '../support/messages-fixture.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

describe('POST /v1/messages/count_tokens', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture({ scripted: new ScriptedProvider('scripted', { count: 4321 }) }); });
  after(() => f.close());

  test('a backend that cannot count: Lingua\'s documented estimate, said so in a header', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, {
      model: 'm1',
      messages: [{ role: 'user', content: 'Hello, world!' }],
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('lingua-token-count'), 'estimate');
    // 3 for the prompt + 4 for the message + ⌈13 ASCII characters / 4⌉ (src/lib/estimate-tokens.ts).
    assert.equal(res.text, '{"input_tokens":11}');
    assert.equal(f.upstream.requests.length, 0, 'counting asks nothing of an upstream that cannot count');
  });

  test('the estimate grows with system text, tools, images and non-ASCII text', async () => {
    const count = async (body: Record<string, unknown>) => JSON.parse((await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, { model: 'm1', ...body })).text).input_tokens as number;
    const base = await count({ messages: [{ role: 'user', content: 'Hello, world!' }] });
    // + a system message: 4 + ⌈9/4⌉.
    assert.equal(await count({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hello, world!' }] }), base + 7);
    // + a tool: ⌈1/4⌉ for its name + ⌈17/4⌉ for `{"type":"object"}`.
    assert.equal(await count({ tools: [{ name: 'f', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'Hello, world!' }] }), base + 6);
    // An image counts 1,600.
    assert.equal(await count({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, world!' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] }), base + 1600);
    // CJK: one token a character.
    assert.equal(await count({ messages: [{ role: 'user', content: '你好世界' }] }), 3 + 4 + 4);
  });

  test('a backend that counts answers exactly, for its own model id and the canonical request', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, {
      model: 's1',
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'count me' }],
      thinking: { type: 'enabled', budget_tokens: 2048 },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('lingua-token-count'), 'backend');
    assert.deepEqual(JSON.parse(res.text), { input_tokens: 4321 });
    const counted = f.scripted.counted.at(-1)!;
    assert.equal(counted.model, 's-model');
    assert.deepEqual(counted.request.messages, [
      { role: 'system', content: [{ type: 'text', text: 'sys' }] },
      { role: 'user', content: [{ type: 'text', text: 'count me' }] },
    ]);
    assert.deepEqual(counted.request.reasoning, { budgetTokens: 2048 });
  });

  test('the SDK\'s messages.countTokens() works (Bearer key)', async () => {
    const r = await f.client.messages.countTokens({ model: 's1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.input_tokens, 4321);
  });

  test('errors: unknown model 404, invalid body 400, no key 401, all in Anthropic\'s shape', async () => {
    const model = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, { model: 'nope', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(model.status, 404);
    assert.equal(JSON.parse(model.text).error.type, 'not_found_error');
    const invalid = await postAnthropic(`${f.server.url}/v1/messages/count_tokens`, { model: 'm1' });
    assert.equal(invalid.status, 400);
    assert.deepEqual(JSON.parse(invalid.text), { type: 'error', error: { type: 'invalid_request_error', message: 'messages: Field required' } });
    const unauth = await fetch(`${f.server.url}/v1/messages/count_tokens`, { method: 'POST', body: JSON.stringify({ model: 'm1', messages: [] }) });
    assert.equal(unauth.status, 401);
    assert.equal((await unauth.json() as { error: { type: string } }).error.type, 'authentication_error');
  });

  test('a backend whose count fails: its error, not a made-up number', async () => {
    const failing = await messagesFixture({ scripted: new ScriptedProvider('scripted', { count: new LinguaError('rate_limit', 'count limit reached', { retryAfter: 2 }) }) });
    try {
      const res = await postAnthropic(`${failing.server.url}/v1/messages/count_tokens`, { model: 's1', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '2');
      assert.deepEqual(JSON.parse(res.text), { type: 'error', error: { type: 'rate_limit_error', message: 'count limit reached' } });
    } finally { await failing.close(); }
  });
});
