import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { generateTestModels, type TestModels } from './models.js';

describe('a prompt that cannot fit the local model\'s context', () => {
  let models: TestModels;
  let server: TestServer;
  before(async () => {
    models = await generateTestModels();
    server = await startLingua({
      providers: [{ name: 'rnd', type: 'llama-cpp', model: models.random, context_size: 256 }],
      models: [{ name: 'random', provider: 'rnd' }],
    });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  test('is refused with a 400 context_length_exceeded before it is tokenized (a long run of text tokenizes slowly)', async () => {
    for (const path of ['/v1/chat/completions', '/v1/messages', '/v1/messages/count_tokens']) {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'random', max_tokens: 5, messages: [{ role: 'user', content: 'é'.repeat(300_000) }] }),
      });
      const body = await res.json() as { error: { message: string; code?: string } };
      assert.equal(res.status, 400, path);
      assert.match(body.error.message, /maximum context length is 256 tokens.*300\d{3} characters/, path);
    }
    const ok = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'random', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(ok.status, 200);
  });
});
