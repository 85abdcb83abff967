import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { StopMatcher } from '../../src/canonical/stop-matcher.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { until } from '../support/until.js';

/** Streams `text` split at `at` through a matcher; returns what was sent and the stop found. */
function run(stops: string[], text: string, at: number): { sent: string; stop: string | undefined } {
  const m = new StopMatcher(stops);
  let sent = '';
  for (const piece of [text.slice(0, at), text.slice(at)]) {
    const r = m.push(piece);
    sent += r.text;
    if (r.stop !== undefined) return { sent, stop: r.stop };
  }
  return { sent: sent + m.flush(), stop: undefined };
}

describe('StopMatcher', () => {
  const cases: Array<{ stops: string[]; text: string; sent: string; stop: string | undefined }> = [
    { stops: ['END'], text: 'one two END three', sent: 'one two ', stop: 'END' },
    { stops: ['END'], text: 'The ENd is near', sent: 'The ENd is near', stop: undefined },
    { stops: ['END'], text: 'ends with EN', sent: 'ends with EN', stop: undefined },
    // The earliest match wins; of two at the same place, the longer.
    { stops: ['b', 'a'], text: 'xxaxb', sent: 'xx', stop: 'a' },
    { stops: ['\n', '\n\n'], text: 'para\n\nnext', sent: 'para', stop: '\n\n' },
    { stops: ['終わり'], text: 'これで終わりです', sent: 'これで', stop: '終わり' },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.text)} with ${JSON.stringify(c.stops)}, split at every position`, () => {
      for (let at = 0; at <= c.text.length; at++) {
        const got = run(c.stops, c.text, at);
        // A split inside the longer of two sequences starting at one place may end at the shorter: both are right for a stream.
        if (c.stops.includes('\n\n') && got.stop === '\n') continue;
        assert.deepEqual(got, { sent: c.sent, stop: c.stop }, `split at ${at}`);
      }
    });
  }

  test('holds back only what could still start a stop sequence', () => {
    const m = new StopMatcher(['END']);
    assert.deepEqual(m.push('abc E'), { text: 'abc ' });
    assert.deepEqual(m.push('N'), { text: '' });
    assert.deepEqual(m.push('x'), { text: 'ENx' });
    assert.equal(m.flush(), '');
  });
});

const stops = ['<1>', '<2>', '<3>', '<4>', '<5>', 'HALT'];

describe('stop sequences an OpenAI upstream cannot report, matched by Lingua', () => {
  const upstream = new FakeOpenAI();
  const anthropicUp = new FakeAnthropic();
  let server: TestServer;
  let anthropic: Anthropic;
  let openai: OpenAI;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'test', key: API_KEY }],
      providers: [
        { name: 'up', type: 'openai', base_url: await upstream.start() },
        { name: 'anth', type: 'anthropic', base_url: await anthropicUp.start() },
      ],
      models: [{ name: 'm1', provider: 'up', model: 'up-model' }, { name: 'a1', provider: 'anth', model: 'claude-up' }],
    });
    anthropic = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await Promise.all([upstream.close(), anthropicUp.close()]);
  });

  // The model writes past the sequence: only Lingua can stop it there.
  const longReply = () => {
    upstream.reply = { choices: [{ text: 'one two HALT three four five six seven eight nine ten', finish: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 30 }, chunkSize: 2, delayMs: 15 };
  };

  test('an Anthropic stream: cut before the sequence, stop_sequence named, the upstream asked without stop and called off', async () => {
    longReply();
    const aborted = upstream.aborted;
    const stream = anthropic.messages.stream({ model: 'm1', max_tokens: 100, stop_sequences: stops, messages: [{ role: 'user', content: 'Count' }] });
    let text = '';
    for await (const e of stream) if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
    const final = await stream.finalMessage();
    assert.equal(text, 'one two ');
    assert.equal(final.stop_reason, 'stop_sequence');
    assert.equal(final.stop_sequence, 'HALT');
    assert.equal(upstream.last.body.stop, undefined, 'the upstream is not asked to stop');
    assert.equal(upstream.last.body.stream, true);
    await until(() => upstream.aborted > aborted, 'the upstream call is ended once the sequence is found');
  });

  test('a non-streaming Anthropic answer: the same, from a streamed upstream call', async () => {
    longReply();
    const r = await anthropic.messages.create({ model: 'm1', max_tokens: 100, stop_sequences: stops, messages: [{ role: 'user', content: 'Count' }] });
    assert.equal(r.content.length, 1);
    assert.equal((r.content[0] as { text: string }).text, 'one two ');
    assert.equal(r.stop_reason, 'stop_sequence');
    assert.equal(r.stop_sequence, 'HALT');
    assert.equal(upstream.last.body.stream, true);
  });

  test('no sequence in the text: nothing is held back at the end, the backend finish stands', async () => {
    upstream.reply = { choices: [{ text: 'ends with HAL', finish: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 4 }, chunkSize: 3 };
    const r = await anthropic.messages.create({ model: 'm1', max_tokens: 100, stop_sequences: ['HALT'], messages: [{ role: 'user', content: 'Go' }] });
    assert.equal((r.content[0] as { text: string }).text, 'ends with HAL');
    assert.equal(r.stop_reason, 'end_turn');
    assert.equal(r.stop_sequence, null);
    assert.equal(r.usage.output_tokens, 4, "the backend's usage, when it finished");
  });

  test('an OpenAI client with up to 4 sequences: they go to the upstream, which stops itself', async () => {
    upstream.reply = { choices: [{ text: 'one two', finish: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2 } };
    const r = await openai.chat.completions.create({ model: 'm1', stop: ['HALT', '<1>'], messages: [{ role: 'user', content: 'Count' }] });
    assert.equal(r.choices[0]!.message.content, 'one two');
    assert.deepEqual(upstream.last.body.stop, ['HALT', '<1>']);
  });

  test('an Anthropic upstream names its own stop sequence: the sequences go to it unchanged', async () => {
    const r = await anthropic.messages.create({ model: 'a1', max_tokens: 100, stop_sequences: stops, messages: [{ role: 'user', content: 'Count' }] });
    assert.ok(r.id);
    assert.deepEqual(anthropicUp.last.body.stop_sequences, stops);
  });
});
