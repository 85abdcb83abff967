import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FakeReply, RecordedRequest } from '../support/fake-openai.js';
import { completion, FakeOpenAI, streamReply } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { codexHome, codexUnavailable, type CodexHome } from './codex-support.js';

const unavailable = codexUnavailable();

type UpstreamMessage = { role: string; content?: unknown; tool_calls?: Array<{ function: { name: string; arguments: string } }>; tool_call_id?: string };

/**
 * The real Codex CLI (`codex exec`) against Lingua, through a custom
 * provider (`wire_api = "responses"`), to a scripted chat upstream: the
 * model runs a shell command with Codex's exec tool, Codex sends its
 * output back, and the model answers with it.
 */
describe('the Codex CLI through Lingua to a chat upstream', { skip: unavailable }, () => {
  const upstream = new FakeOpenAI();
  let server: TestServer;
  let codex: CodexHome;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'codex', key: API_KEY }],
      providers: [{ name: 'up', type: 'openai', base_url: await upstream.start() }],
      models: [{ name: 'lingua-coder', provider: 'up', model: 'up-model' }],
    });
    codex = await codexHome(server.url, 'lingua-coder', API_KEY);
  });
  after(async () => {
    await server?.close();
    await upstream.close();
    await codex?.remove();
  });

  test('codex exec runs a tool the model calls, sends its output back, and prints the answer', async () => {
    const script = (req: RecordedRequest): FakeReply => {
      const messages = req.body.messages as UpstreamMessage[];
      const result = messages.find((m) => m.role === 'tool');
      if (result === undefined) {
        return {
          choices: [{
            reasoning: 'I should run the command.',
            text: 'Running it.',
            toolCalls: [{ id: 'call_codex_1', name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo lingua-$((6*7))' }) }],
          }],
          usage: { prompt_tokens: 900, completion_tokens: 30 },
        };
      }
      const output = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
      return { choices: [{ text: output.includes('lingua-42') ? 'The command printed lingua-42.' : `Unexpected tool output: ${output}` }], usage: { prompt_tokens: 950, completion_tokens: 8 } };
    };
    upstream.handler = (req, res) => (req.body.stream === true ? streamReply(script(req), req, res) : void res.end(JSON.stringify(completion(script(req), req))));

    const run = await codex.exec('Run `echo lingua-$((6*7))` and tell me what it printed.');
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /The command printed lingua-42\./, run.output);

    // Two model calls: the tool call, then the answer with the tool's output in the history.
    assert.equal(upstream.requests.length, 2, run.output);
    const second = upstream.requests[1]!.body.messages as UpstreamMessage[];
    const call = second.find((m) => m.role === 'assistant' && m.tool_calls !== undefined);
    assert.equal(call?.tool_calls?.[0]?.function.name, 'exec_command');
    const result = second.find((m) => m.role === 'tool');
    assert.match(JSON.stringify(result?.content), /lingua-42/);
  });
});
