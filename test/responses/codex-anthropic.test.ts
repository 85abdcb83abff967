import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FakeAnthropic, type FakeMessage } from '../support/fake-anthropic.js';
import type { RecordedRequest } from '../support/fake-upstream.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { codexHome, codexUnavailable, offeredToolNames, type CodexHome } from './codex-support.js';

const unavailable = codexUnavailable();

type Block = Record<string, unknown> & { type: string };
type AnthropicMessage = { role: string; content: string | Block[] };

const THINKING = { type: 'thinking' as const, thinking: 'The user wants the output of a command; I will run it.', signature: 'sig-codex-anthropic-1' };

/**
 * The real Codex CLI (`codex exec`) through Lingua to a scripted Anthropic
 * upstream: the first answer is signed thinking and a tool_use of Codex's
 * exec tool; Codex runs the command and sends its output back with the
 * whole history (store: false), the thinking as `encrypted_content`; the
 * second answer quotes the output.
 */
describe('the Codex CLI through Lingua to an Anthropic upstream', { skip: unavailable }, () => {
  const upstream = new FakeAnthropic();
  let server: TestServer;
  let codex: CodexHome;

  before(async () => {
    server = await startLingua({
      keys: [{ name: 'codex', key: API_KEY }],
      providers: [{ name: 'anth', type: 'anthropic', base_url: await upstream.start(), api_key: 'anthropic-secret-key' }],
      models: [{ name: 'lingua-claude', provider: 'anth', model: 'claude-up' }],
    });
    // Codex asks for include: ["reasoning.encrypted_content"] with store: false on its own.
    codex = await codexHome(server.url, 'lingua-claude', API_KEY);
  });
  after(async () => {
    await server?.close();
    await upstream.close();
    await codex?.remove();
  });

  test('codex exec runs the tool_use, sends the tool_result and the signed thinking back, and prints the answer', async () => {
    const toolResult = (req: RecordedRequest): Block | undefined => (req.body.messages as AnthropicMessage[])
      .flatMap((m) => (typeof m.content === 'string' ? [] : m.content))
      .find((b) => b.type === 'tool_result');
    upstream.replyFor = (req): FakeMessage => {
      const result = toolResult(req);
      if (result === undefined) {
        return {
          content: [THINKING, { type: 'text', text: 'Running it.' }, { type: 'tool_use', id: 'toolu_codex_1', name: 'exec_command', input: { cmd: 'echo lingua-$((6*7))' } }],
          usage: { input_tokens: 900, output_tokens: 30 },
        };
      }
      const output = JSON.stringify(result.content);
      return { content: [{ type: 'text', text: output.includes('lingua-42') ? 'The command printed lingua-42.' : `Unexpected tool output: ${output}` }], usage: { input_tokens: 950, output_tokens: 8 } };
    };

    const run = await codex.exec('Run `echo lingua-$((6*7))` and tell me what it printed.');
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /The command printed lingua-42\./, run.output);

    const calls = upstream.requests.filter((r) => r.path.endsWith('/messages'));
    assert.equal(calls.length, 2, run.output);
    const offered = offeredToolNames(calls[0]!.body);
    assert.ok(offered.includes('exec_command'), `Codex's shell tool reaches Anthropic: ${offered.join(', ')}`);

    // The second turn: the whole history, the assistant turn as Anthropic answered it (thinking first, signature unchanged).
    const history = calls[1]!.body.messages as AnthropicMessage[];
    const assistant = history.find((m) => m.role === 'assistant');
    assert.ok(assistant !== undefined && typeof assistant.content !== 'string', JSON.stringify(history));
    const thinking = assistant.content.find((b) => b.type === 'thinking');
    assert.deepEqual(thinking, THINKING, 'the signed thinking comes back unchanged through encrypted_content');
    assert.deepEqual(assistant.content.map((b) => b.type), ['thinking', 'text', 'tool_use'], 'the turn as Anthropic answered it, thinking first as it requires');
    const use = assistant.content.find((b) => b.type === 'tool_use');
    assert.deepEqual(use, { type: 'tool_use', id: 'toolu_codex_1', name: 'exec_command', input: { cmd: 'echo lingua-$((6*7))' } });
    const result = toolResult(calls[1]!);
    assert.equal(result?.tool_use_id, 'toolu_codex_1');
    assert.match(JSON.stringify(result?.content), /lingua-42/);
  });
});
