import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { generateTestModels, SCRIPT, SCRIPT_COMPLETION_TOKENS, SCRIPT_TOKENS, type TestModels } from '../llama-cpp/models.js';
import { clients } from './clients.js';
import type { NeutralRequest } from './neutral.js';

/** The same client protocols in front of the embedded engine, on the scripted model. */
describe('translation matrix: local llama.cpp engine', () => {
  let models: TestModels;
  let server: TestServer;
  before(async () => {
    models = await generateTestModels();
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 256, parallel: 2, threads: 1 }],
      models: [{ name: 'scripted', provider: 'local' }],
    });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  const ask = (text: string, more: Partial<NeutralRequest> = {}): NeutralRequest => ({ turns: [{ role: 'user', text }], maxTokens: 100, ...more });

  test('an Anthropic stream renders its prompt once: the count in message_start and the generation share it (issue 13 item 13)', async () => {
    const renders = () => server.lingua.providers.get('local')!.stats!().engine!.renders!;
    const anthropic = clients.find((c) => c.name === 'anthropic')!;
    for (const stream of [true, false]) {
      const before = renders();
      const o = await anthropic.send(server.url, 'scripted', ask('Count me once'), stream);
      assert.equal(o.text, SCRIPT);
      assert.equal(renders() - before, 1, `${stream ? 'streamed' : 'whole'}: one render`);
    }
  });

  for (const client of clients) {
    for (const stream of [false, true]) {
      const mode = stream ? 'streaming' : 'non-streaming';

      test(`${client.name} client, ${mode}: the scripted answer, with usage from the tokenizer`, async () => {
        const o = await client.send(server.url, 'scripted', ask('Hi'), stream);
        assert.equal(o.text, SCRIPT);
        assert.equal(o.stop, 'end');
        assert.equal(o.usage.output, SCRIPT_COMPLETION_TOKENS);
        assert.ok(o.usage.input > 0);
      });

      test(`${client.name} client, ${mode}: a stop sequence, excluded from the text`, async () => {
        const o = await client.send(server.url, 'scripted', ask('Hi', { stop: ['scripted'] }), stream);
        assert.equal(o.text, SCRIPT.slice(0, SCRIPT.indexOf('scripted')));
        if (client.name === 'anthropic') {
          assert.equal(o.stop, 'stop_sequence');
          assert.equal(o.stopSequence, 'scripted');
        } else {
          assert.equal(o.stop, 'end');
        }
      });

      test(`${client.name} client, ${mode}: the token limit`, async () => {
        const o = await client.send(server.url, 'scripted', ask('Hi', { maxTokens: 3 }), stream);
        assert.equal(o.text, SCRIPT_TOKENS.slice(0, 3).join(''));
        assert.equal(o.stop, 'length');
        assert.equal(o.usage.output, 3);
      });

      test(`${client.name} client, ${mode}: a prompt too long for the context → 400 in the client's shape`, async () => {
        const f = await client.fail(server.url, 'scripted', ask('word '.repeat(2000)), stream);
        assert.equal(f.status, 400);
        assert.ok(f.shapeOk);
        assert.match(f.message, /context/i);
      });
    }
  }
});
