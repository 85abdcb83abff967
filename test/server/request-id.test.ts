import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { buildLingua, type Lingua } from '../../src/server/app.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { API_KEY, postRaw } from '../support/openai-fixture.js';

const ask = { model: 'm1', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('request ids: in a response header on every answer, and in the log line', () => {
  const upstream = new FakeOpenAI();
  const lines: Array<Record<string, unknown>> = [];
  let lingua: Lingua;
  let url: string;

  before(async () => {
    const baseUrl = await upstream.start();
    const config = parseConfig({
      server: { host: '127.0.0.1', port: 0, data_dir: mkdtempSync(join(tmpdir(), 'lingua-test-')) },
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'up', type: 'openai', base_url: baseUrl }],
      models: [{ name: 'm1', provider: 'up', model: 'up-model' }],
    });
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l)); done(); } });
    lingua = await buildLingua(config, pino({ level: 'info', base: undefined }, sink));
    await lingua.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(lingua.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await lingua.close(1000);
    await upstream.close();
  });

  const chatLine = (id: string) => lines.find((l) => l.msg === 'request' && l.reqId === id);

  test('the openai SDK reads x-request-id as the request id; each call gets its own, and the log line carries it', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: API_KEY, maxRetries: 0 });
    const first = await client.chat.completions.create(ask).withResponse();
    const second = await client.chat.completions.create({ ...ask, stream: true }).withResponse();
    for await (const _ of second.data) { /* drain */ }
    assert.match(first.request_id ?? '', /^req_[A-Za-z0-9]{24}$/);
    assert.match(second.request_id ?? '', /^req_[A-Za-z0-9]{24}$/);
    assert.notEqual(first.request_id, second.request_id);
    assert.equal(chatLine(first.request_id!)?.status, 200);
    assert.equal(chatLine(second.request_id!)?.stream, true);
  });

  test('the Anthropic SDK reads request-id on /v1/messages', async () => {
    const client = new Anthropic({ baseURL: url, apiKey: API_KEY, maxRetries: 0 });
    const message = await client.messages.create({ ...ask, max_tokens: 16 });
    assert.match(message._request_id ?? '', /^req_/);
    assert.equal(chatLine(message._request_id!)?.model, 'm1');
  });

  test('errors carry the id too: a 401 from the chat listener, a 404 from the models route', async () => {
    const unauthorized = await postRaw(`${url}/v1/chat/completions`, ask, { authorization: 'Bearer wrong-key-0000' });
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.headers.get('x-request-id') ?? '', /^req_/);
    const missing = await fetch(`${url}/v1/models/nope`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('x-request-id') ?? '', /^req_/);
    const anthropic = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'wrong-key-0000' }, body: '{}' });
    assert.equal(anthropic.status, 401);
    assert.match(anthropic.headers.get('request-id') ?? '', /^req_/);
  });

  test('a caller\'s own plain x-request-id is kept end to end; anything else is replaced', async () => {
    const kept = await postRaw(`${url}/v1/chat/completions`, ask, { 'x-request-id': 'trace-42.a:b_c' });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42.a:b_c');
    assert.equal(chatLine('trace-42.a:b_c')?.status, 200);
    for (const bad of ['has spaces in it', 'x'.repeat(129), '{"json":1}']) {
      const replaced = await postRaw(`${url}/v1/chat/completions`, ask, { 'x-request-id': bad });
      assert.match(replaced.headers.get('x-request-id') ?? '', /^req_/, bad);
    }
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${API_KEY}`, 'x-request-id': 'trace-43' } });
    assert.equal(models.headers.get('x-request-id'), 'trace-43');
  });
});
