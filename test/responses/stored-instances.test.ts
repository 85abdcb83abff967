import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { ScriptedProvider } from '../support/scripted-provider.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';

type Item = Record<string, any>;

/** A scripted backend that thinks (with a signature) and answers. */
function thinker(): ScriptedProvider {
  const p = new ScriptedProvider('think');
  p.script = [
    { type: 'reasoning', choice: 0, text: 'Thinking it over.' },
    { type: 'reasoning_signature', choice: 0, signature: 'sig-across-instances' },
    { type: 'text', choice: 0, text: 'Done.' },
    { type: 'finish', choice: 0, finish: { reason: 'stop' } },
    { type: 'usage', usage: { inputTokens: 4, outputTokens: 5 } },
  ];
  return p;
}

function config(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    keys: [{ name: 'test', key: API_KEY }],
    // Replaced by the scripted provider of the same name.
    providers: [{ name: 'think', type: 'openai', base_url: 'http://127.0.0.1:9/v1' }],
    models: [{ name: 't1', provider: 'think', model: 't' }],
    ...extra,
  };
}

const client = (server: TestServer) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });

/** What a stateless client sends back: the turn with its sealed reasoning, and a new question. */
function replayInput(first: { output: unknown[] }): OpenAI.Responses.ResponseInput {
  return [{ role: 'user', content: 'Go' }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { role: 'user', content: 'Again' }];
}

describe('stored responses and sealed reasoning survive a restart (SQLite)', () => {
  let dataDir: string;
  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'lingua-stored-')); });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('a response stored before the restart is read and continued after it; its encrypted_content still opens', async () => {
    const before = thinker();
    let server = await startLingua(config({ server: { data_dir: dataDir } }), [before]);
    const first = await client(server).responses.create({ model: 't1', input: 'Go', include: ['reasoning.encrypted_content'] });
    await server.close();

    const afterRestart = thinker();
    server = await startLingua(config({ server: { data_dir: dataDir } }), [afterRestart]);
    try {
      assert.deepEqual(await client(server).responses.retrieve(first.id), first);
      await client(server).responses.create({ model: 't1', input: 'Again', previous_response_id: first.id });
      assert.equal((afterRestart.last.request.messages[1]!.content[0] as Item).signature, 'sig-across-instances');
      await client(server).responses.create({ model: 't1', store: false, input: replayInput(first) });
      assert.equal((afterRestart.last.request.messages[1]!.content[0] as Item).signature, 'sig-across-instances');
    } finally {
      await server.close();
    }
  });
});

const skip = await postgresSkip();

describe('two instances on one PostgreSQL share stored responses and the sealing key', { skip }, () => {
  let schema: Awaited<ReturnType<typeof freshPostgresSchema>>;
  let a: TestServer;
  let b: TestServer;
  const onB = thinker();

  before(async () => {
    schema = await freshPostgresSchema();
    a = await startLingua(config({ database_url: schema.url }), [thinker()]);
    b = await startLingua(config({ database_url: schema.url }), [onB]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await schema?.drop();
  });

  test('made on one instance, read, continued, listed and deleted on the other', async () => {
    const first = await client(a).responses.create({ model: 't1', input: 'Go', include: ['reasoning.encrypted_content'] });
    assert.deepEqual(await client(b).responses.retrieve(first.id), first);
    const items = await client(b).responses.inputItems.list(first.id);
    assert.deepEqual(items.data.map((i) => (i as Item).role), ['user']);

    await client(b).responses.create({ model: 't1', input: 'Again', previous_response_id: first.id });
    assert.equal((onB.last.request.messages[1]!.content[0] as Item).signature, 'sig-across-instances');
    // Sealed by a, opened by b: one key for every instance on the database.
    await client(b).responses.create({ model: 't1', store: false, input: replayInput(first) });
    assert.equal((onB.last.request.messages[1]!.content[0] as Item).signature, 'sig-across-instances');

    await client(b).responses.delete(first.id);
    await assert.rejects(client(a).responses.retrieve(first.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
  });
});
