import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { FakeAnthropic, message, sendError, type FakeMessage } from '../support/fake-anthropic.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';

/** Three different answers, one per call, in the order the calls arrive. */
const answers: FakeMessage[] = [
  { content: [{ type: 'text', text: 'First answer.' }], usage: { input_tokens: 10, output_tokens: 3 } },
  { content: [{ type: 'text', text: 'Second, cut' }], stop_reason: 'max_tokens', usage: { input_tokens: 10, output_tokens: 4 } },
  { content: [{ type: 'text', text: 'Third answer here.' }], usage: { input_tokens: 10, output_tokens: 5 } },
];

/** `n` > 1 on an Anthropic upstream, which makes one choice per call: n calls, merged. */
describe('n choices from a backend that makes one per call', () => {
  const upstream = new FakeAnthropic();
  let server: TestServer;
  let client: OpenAI;
  let calls = 0;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start() }],
      models: [{ name: 'a1', provider: 'anth', model: 'claude-up' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const distinct = (): void => {
    calls = 0;
    upstream.handler = undefined;
    upstream.replyFor = () => answers[calls++ % answers.length]!;
  };

  test('non-streaming: n calls of n = 1, one choice each, indices 0..n-1, own finish reasons, usage summed', async () => {
    distinct();
    const before = upstream.requests.length;
    const r = await client.chat.completions.create({ model: 'a1', n: 3, max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
    const sent = upstream.requests.slice(before);
    assert.equal(sent.length, 3);
    for (const req of sent) assert.equal(req.body.n, undefined, 'each call asks for one answer');
    assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2]);
    const byText = new Map(r.choices.map((c) => [c.message.content, c.finish_reason]));
    assert.deepEqual(byText, new Map([['First answer.', 'stop'], ['Second, cut', 'length'], ['Third answer here.', 'stop']]));
    assert.equal(r.usage!.prompt_tokens, 30, 'each call billed its input');
    assert.equal(r.usage!.completion_tokens, 12);
  });

  test('streaming: chunks of every choice, each with its own finish, then the summed usage', async () => {
    distinct();
    const stream = await client.chat.completions.create({ model: 'a1', n: 2, max_tokens: 20, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
    const text = ['', ''];
    const finish: Array<string | null> = [null, null];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text[c.index] += c.delta.content ?? '';
        if (c.finish_reason !== null) finish[c.index] = c.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.deepEqual(new Set(text), new Set(['First answer.', 'Second, cut']));
    assert.equal(finish[text.indexOf('First answer.')], 'stop');
    assert.equal(finish[text.indexOf('Second, cut')], 'length');
    assert.equal(usage?.prompt_tokens, 20);
    assert.equal(usage?.completion_tokens, 7);
  });

  test('a call that fails before anything was sent fails the request, in the caller’s shape', async () => {
    calls = 0;
    upstream.handler = (req: RecordedRequest, res: ServerResponse) => {
      // One call of every three (of every attempt, retries included) is refused.
      if (calls++ % 3 === 1) return sendError(res, 429, 'rate_limit_error', 'Slow down.');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(message(answers[0]!, req)));
    };
    await assert.rejects(
      client.chat.completions.create({ model: 'a1', n: 3, max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] }),
      (e: unknown) => e instanceof OpenAI.RateLimitError,
    );
  });

  test('a call that fails once the stream has begun ends its own choice with finish_reason "error"; the others complete', async () => {
    calls = 0;
    upstream.handler = undefined;
    upstream.replyFor = () => (calls++ === 0
      ? { content: [{ type: 'text', text: 'Quick and whole.' }], usage: { input_tokens: 5, output_tokens: 4 } }
      : { content: [{ type: 'text', text: 'This one breaks midway through.' }], usage: { input_tokens: 5, output_tokens: 9 }, delayMs: 20, errorAfter: { deltas: 3, type: 'overloaded_error', message: 'Overloaded' } });
    const stream = await client.chat.completions.create({ model: 'a1', n: 2, max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const text = ['', ''];
    const finish: Array<string | null> = [null, null];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text[c.index] += c.delta.content ?? '';
        if (c.finish_reason !== null) finish[c.index] = c.finish_reason;
      }
    }
    const whole = text.indexOf('Quick and whole.');
    assert.notEqual(whole, -1);
    assert.equal(finish[whole], 'stop');
    assert.equal(finish[1 - whole], 'error');
    assert.ok('This one breaks midway through.'.startsWith(text[1 - whole]!));
  });
});
