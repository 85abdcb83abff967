import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { anthropicBackend, openAIBackend, type BackendDriver } from './backends.js';
import { clients, type ClientDriver } from './clients.js';
import { timeTool, weatherTool, type NeutralReply, type NeutralRequest, type Outcome } from './neutral.js';

/**
 * Every client protocol × every upstream protocol × streaming or not: the
 * same exchange must reach every client with the same meaning.
 */
interface Scenario {
  name: string;
  request: NeutralRequest;
  reply: NeutralReply;
  /** Extra checks on what the upstream received. */
  upstream?: (backend: BackendDriver, body: Record<string, unknown>, client: ClientDriver) => void;
}

const ask = (text: string): NeutralRequest['turns'] => [{ role: 'user', text }];

const scenarios: Scenario[] = [
  {
    name: 'text with usage',
    request: { system: 'Be brief.', turns: ask('What is six times seven?'), maxTokens: 100 },
    reply: { text: 'The answer is 42.', stop: 'end', usage: { input: 21, output: 6 } },
  },
  {
    name: 'two tool calls with their ids and arguments',
    request: { turns: ask('Weather and time in Paris?'), tools: [weatherTool, timeTool], maxTokens: 100 },
    reply: {
      toolCalls: [
        { id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } },
        { id: 'call_t2', name: 'get_time', input: { zone: 'Europe/Paris' } },
      ],
      stop: 'tool',
      usage: { input: 40, output: 25 },
    },
  },
  {
    name: 'tool results go back to the backend',
    request: {
      turns: [
        { role: 'user', text: 'Weather in Paris?' },
        { role: 'assistant', toolCalls: [{ id: 'call_w1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'tool', id: 'call_w1', result: 'sunny, 21 C' },
      ],
      tools: [weatherTool],
      maxTokens: 100,
    },
    reply: { text: 'It is sunny in Paris.', stop: 'end', usage: { input: 55, output: 7 } },
    upstream: (backend, body) => assert.equal(backend.toolResult(body, 'call_w1'), 'sunny, 21 C'),
  },
  {
    name: 'reasoning reaches the client',
    request: { turns: ask('Think first.'), maxTokens: 200 },
    reply: { reasoning: { text: 'Let me think this through.', signature: 'sig-abc123' }, text: 'Done thinking.', stop: 'end', usage: { input: 9, output: 14 } },
  },
  {
    name: 'reasoning of an earlier turn goes back (with its signature where the client can carry it)',
    request: {
      turns: [
        { role: 'user', text: 'First question' },
        { role: 'assistant', reasoning: { text: 'Earlier thoughts.', signature: 'sig-earlier-001' }, text: 'First answer' },
        { role: 'user', text: 'Second question' },
      ],
      maxTokens: 100,
    },
    reply: { text: 'Second answer', stop: 'end', usage: { input: 30, output: 3 } },
    upstream: (backend, body, client) => {
      const r = backend.reasoning(body);
      if (backend.name === 'anthropic-upstream') {
        // Every client carries signatures (OpenAI's in `thinking_blocks`): they return unchanged.
        assert.deepEqual(r, { text: 'Earlier thoughts.', signature: 'sig-earlier-001' });
      } else if (client.name === 'anthropic' || backend.name === 'openai-upstream') {
        assert.deepEqual(r, { text: 'Earlier thoughts.' });
      }
    },
  },
  {
    name: 'a stop sequence',
    request: { turns: ask('Count'), stop: ['STOP'], maxTokens: 100 },
    reply: { text: 'one two three', stop: 'stop_sequence', stopSequence: 'STOP', usage: { input: 5, output: 4 } },
    upstream: (backend, body, client) => {
      // An OpenAI upstream cannot say which sequence matched: for an Anthropic client, Lingua matches them itself.
      const matchedByLingua = backend.name === 'openai-upstream' && client.name === 'anthropic';
      assert.deepEqual(backend.stopSequences(body), matchedByLingua ? undefined : ['STOP']);
    },
  },
  {
    name: 'the token limit',
    request: { turns: ask('Write a long story'), maxTokens: 5 },
    reply: { text: 'Once upon a time', stop: 'length', usage: { input: 6, output: 5 } },
  },
];

/** What a client of this protocol must see for a backend reply. */
function expected(reply: NeutralReply, client: ClientDriver): Outcome {
  const out: Outcome = {
    text: reply.text ?? '',
    reasoning: reply.reasoning?.text ?? '',
    toolCalls: reply.toolCalls ?? [],
    stop: reply.stop,
    usage: reply.usage,
  };
  if (reply.stop === 'stop_sequence') {
    // OpenAI's finish_reason has one word for every natural stop.
    if (client.name === 'anthropic') out.stopSequence = reply.stopSequence;
    else out.stop = 'end';
  }
  return out;
}

for (const makeBackend of [openAIBackend, anthropicBackend]) {
  const backend = makeBackend();
  describe(`translation matrix: ${backend.name}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startLingua({
        keys: [{ name: 'test', key: API_KEY }],
        providers: [await backend.start()],
        models: [{ name: 'model-x', provider: 'backend', model: 'upstream-id' }],
      });
    });
    after(async () => {
      await server.close();
      await backend.close();
    });

    for (const client of clients) {
      for (const stream of [false, true]) {
        const mode = stream ? 'streaming' : 'non-streaming';
        for (const s of scenarios) {
          test(`${client.name} client, ${mode}: ${s.name}`, async () => {
            backend.script(s.reply);
            const outcome = await client.send(server.url, 'model-x', s.request, stream);
            assert.deepEqual(outcome, expected(s.reply, client));
            assert.equal(backend.last().body.model, 'upstream-id');
            s.upstream?.(backend, backend.last().body, client);
          });
        }
        test(`${client.name} client, ${mode}: an upstream 400 keeps its status and message, in the client's shape`, async () => {
          backend.scriptError(400, 'the upstream did not like this');
          const f = await client.fail(server.url, 'model-x', { turns: ask('x'), maxTokens: 10 }, stream);
          assert.deepEqual(f, { status: 400, message: f.message, shapeOk: true });
          assert.match(f.message, /the upstream did not like this/);
        });
        test(`${client.name} client, ${mode}: an upstream 500 becomes a 502 in the client's shape`, async () => {
          backend.scriptError(500, 'upstream exploded');
          const f = await client.fail(server.url, 'model-x', { turns: ask('x'), maxTokens: 10 }, stream);
          assert.equal(f.status, 502);
          assert.ok(f.shapeOk, `error shape for ${client.name}`);
          assert.ok(!JSON.stringify(f).includes('anthropic-upstream-key'));
        });
      }
    }
  });
}
