import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { messagesFixture, postAnthropic, type MessagesFixture } from '../support/messages-fixture.js';
import { API_KEY } from '../support/openai-fixture.js';

const ask = { model: 'm1', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

/** The body of an Anthropic error, checked to be exactly `{type: "error", error: {type, message}}`. */
function errorOf(text: string): { type: string; message: string } {
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ['type', 'error']);
  assert.equal(body.type, 'error');
  assert.deepEqual(Object.keys(body.error), ['type', 'message']);
  return body.error;
}

describe('/v1/messages errors, in Anthropic\'s shape', () => {
  let f: MessagesFixture;
  before(async () => { f = await messagesFixture({ server: { body_limit_mb: 0.01 } }); });
  after(() => f.close());

  // An upstream's status → what an Anthropic client sees. 5xx other than 503/504/529 is a failing backend: 502 api_error.
  const upstreamCases: Array<[number, number, string]> = [
    [400, 400, 'invalid_request_error'],
    // The upstream refused this server's own credentials: a failing backend, not the client's key.
    [401, 502, 'api_error'],
    [403, 502, 'api_error'],
    [404, 404, 'not_found_error'],
    [413, 413, 'request_too_large'],
    [429, 429, 'rate_limit_error'],
    [500, 502, 'api_error'],
    [503, 529, 'overloaded_error'],
    [504, 504, 'timeout_error'],
    [529, 529, 'overloaded_error'],
  ];
  for (const [upstream, status, type] of upstreamCases) {
    test(`upstream ${upstream} → ${status} ${type}`, async () => {
      f.upstream.handler = (_req, res) => { res.writeHead(upstream, { 'content-type': 'application/json' }); res.end('{"error":{"message":"upstream says no"}}'); };
      try {
        const res = await postAnthropic(`${f.server.url}/v1/messages`, ask);
        assert.equal(res.status, status);
        const error = errorOf(res.text);
        assert.equal(error.type, type);
        assert.match(error.message, /upstream says no/);
        assert.ok(!res.text.includes('upstream-secret-key'));
      } finally { f.upstream.handler = undefined; }
    });
  }

  test('the SDK raises the matching error classes', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json' }); res.end('{"error":{"message":"slow down"}}'); };
    try {
      await assert.rejects(f.client.messages.create({ model: 'm1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
        (e: unknown) => e instanceof Anthropic.RateLimitError && e.status === 429 && (e.error as { error: { type: string } }).error.type === 'rate_limit_error');
    } finally { f.upstream.handler = undefined; }
    await assert.rejects(f.client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof Anthropic.NotFoundError);
    const wrongKey = new Anthropic({ baseURL: f.server.url, apiKey: 'sk-wrong-key-000000', maxRetries: 0 });
    await assert.rejects(wrongKey.messages.create({ model: 'm1', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) => e instanceof Anthropic.AuthenticationError);
  });

  test('a provider failing unexpectedly → 500 api_error, details hidden', async () => {
    f.scripted.script = [{ throw: new TypeError('secret internals') }];
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { ...ask, model: 's1' });
    assert.equal(res.status, 500);
    const error = errorOf(res.text);
    assert.equal(error.type, 'api_error');
    assert.ok(!error.message.includes('secret internals'));
  });

  test('authentication: no key, a wrong key, a wrong Bearer → 401 authentication_error', async () => {
    const none = await fetch(`${f.server.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    assert.equal(none.status, 401);
    const missing = errorOf(await none.text());
    assert.equal(missing.type, 'authentication_error');
    assert.match(missing.message, /x-api-key/);
    const attempts: Array<Record<string, string>> = [{ 'x-api-key': 'sk-wrong-0000000' }, { 'x-api-key': '', authorization: 'Bearer sk-wrong-0000000' }];
    for (const headers of attempts) {
      const res = await postAnthropic(`${f.server.url}/v1/messages`, ask, headers);
      assert.equal(res.status, 401);
      assert.equal(errorOf(res.text).type, 'authentication_error');
    }
  });

  test('authentication comes before validation', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { model: 'm1' }, { 'x-api-key': 'sk-wrong-0000000' });
    assert.equal(res.status, 401);
  });

  test('unknown model → 404 not_found_error; unknown path under /v1/messages → 404 in the same shape', async () => {
    const model = await postAnthropic(`${f.server.url}/v1/messages`, { ...ask, model: 'claude-nope' });
    assert.equal(model.status, 404);
    const error = errorOf(model.text);
    assert.equal(error.type, 'not_found_error');
    assert.match(error.message, /claude-nope/);
    const path = await postAnthropic(`${f.server.url}/v1/messages/batches`, ask);
    assert.equal(path.status, 404);
    assert.equal(errorOf(path.text).type, 'not_found_error');
    // Other paths keep OpenAI's shape.
    const other = await postAnthropic(`${f.server.url}/v1/nothing`, ask);
    assert.equal(JSON.parse(other.text).error.type, 'invalid_request_error');
  });

  test('malformed JSON → 400 invalid_request_error', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages`, '{"model": "m1",');
    assert.equal(res.status, 400);
    assert.equal(errorOf(res.text).type, 'invalid_request_error');
  });

  test('a body over the limit → 413 request_too_large', async () => {
    const res = await postAnthropic(`${f.server.url}/v1/messages`, { ...ask, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] });
    assert.equal(res.status, 413);
    assert.equal(errorOf(res.text).type, 'request_too_large');
  });

  const invalid: Array<[string, unknown, string]> = [
    ['max_tokens missing', { model: 'm1', messages: ask.messages }, 'max_tokens: Field required'],
    ['max_tokens 0', { ...ask, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    ['max_tokens not an integer', { ...ask, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    ['model missing', { max_tokens: 5, messages: ask.messages }, 'model: Field required'],
    ['messages empty', { ...ask, messages: [] }, 'messages: List should have at least 1 item'],
    ['temperature above 1', { ...ask, temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
    ['temperature below 0', { ...ask, temperature: -0.1 }, 'temperature: Input should be greater than or equal to 0'],
    ['top_p above 1', { ...ask, top_p: 2 }, 'top_p: Input should be less than or equal to 1'],
    ['top_k negative', { ...ask, top_k: -1 }, 'top_k: Input should be greater than or equal to 0'],
    ['stop_sequences not a list', { ...ask, stop_sequences: 'END' }, 'stop_sequences: Input should be a valid list'],
    ['a role Anthropic does not have', { ...ask, messages: [{ role: 'tool', content: 'x' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
    ['an unsupported block type', { ...ask, messages: [{ role: 'user', content: [{ type: 'video', source: {} }] }] },
      "messages.0.content.0.type: Input tag 'video' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document', 'search_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result', 'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'mcp_tool_use', 'mcp_tool_result', 'container_upload'"],
    ['a document without a source', { ...ask, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      "messages.0.content.0.source.type: Input tag 'undefined' found using 'type' does not match any of the expected tags: 'base64', 'text', 'url', 'content', 'file'"],
    ['tool_use in a user turn', { ...ask, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] },
      "messages.0.content.0.type: 'tool_use' blocks are not allowed in 'user' messages"],
    ['tool_result in an assistant turn', { ...ask, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] },
      "messages.0.content.0.type: 'tool_result' blocks are not allowed in 'assistant' messages"],
    ['an image without data', { ...ask, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }] }] },
      'messages.0.content.0.source.data: String should have at least 1 character'],
    ['an unknown top-level field', { ...ask, frequency_penalty: 1 }, 'frequency_penalty: Extra inputs are not permitted'],
    ['budget_tokens under 1024', { ...ask, max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens: Input should be greater than or equal to 1024'],
    ['budget_tokens not under max_tokens', { ...ask, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }, 'max_tokens: must be greater than thinking.budget_tokens (2000)'],
    ['a thinking type that does not exist', { ...ask, thinking: { type: 'always' } }, "thinking.type: Input tag 'always' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'"],
    ['tool_choice naming no tool', { ...ask, tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'g' } }, "tool_choice.name: no tool named 'g' in 'tools'"],
    ['a custom tool without input_schema', { ...ask, tools: [{ name: 'f' }] }, 'tools.0.input_schema: Field required'],
    ['a tool name with spaces', { ...ask, tools: [{ name: 'my tool', input_schema: { type: 'object' } }] }, 'tools.0.name: String should match pattern ^[a-zA-Z0-9_-]{1,128}$'],
    ['an effort that does not exist', { ...ask, output_config: { effort: 'extreme' } }, "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"],
    ['a body that is not an object', [1, 2], 'The request body must be a JSON object.'],
  ];
  for (const [name, body, message] of invalid) {
    test(`400 invalid_request_error: ${name}`, async () => {
      const res = await postAnthropic(`${f.server.url}/v1/messages`, body);
      assert.equal(res.status, 400);
      assert.deepEqual(errorOf(res.text), { type: 'invalid_request_error', message });
    });
  }

  test('upstream 429 keeps retry-after', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' }); res.end('{"error":{"message":"later"}}'); };
    try {
      const res = await fetch(`${f.server.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': API_KEY }, body: JSON.stringify(ask) });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '3');
    } finally { f.upstream.handler = undefined; }
  });
});
