import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResponseCreateParamsNonStreaming, ResponseInputItem, ResponseStreamEvent, Tool } from 'openai/resources/responses/responses';
import { FakeSearxng } from '../support/fake-searxng.js';
import { checkStream, postResponses, responsesFixture, sseEvents, type ResponsesFixture } from './support.js';

type AnthropicBlock = Record<string, unknown> & { type: string };
type AnthropicMessage = { role: string; content: string | AnthropicBlock[] };

/** What Codex sends each turn: its tools (a function and web_search), store:false, encrypted reasoning back, a cache key. */
const tools: Tool[] = [
  { type: 'function', name: 'shell', description: 'Runs a command.', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
  { type: 'web_search' },
];
const codexTurn = (input: ResponseInputItem[]): Omit<ResponseCreateParamsNonStreaming, 'stream'> => ({
  model: 'a1', instructions: 'You are a coding agent.', input, tools, tool_choice: 'auto', parallel_tool_calls: false,
  store: false, include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium' }, prompt_cache_key: 'codex-session-1',
});
const firstInput: ResponseInputItem[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files.' }] }];

describe('POST /v1/responses over an Anthropic upstream (Codex-shaped turns)', () => {
  let f: ResponsesFixture;
  const searx = new FakeSearxng();
  before(async () => { f = await responsesFixture({ config: { search: { type: 'searxng', base_url: await searx.start('') } } }); });
  after(async () => {
    await f.close();
    await searx.close();
  });

  const toolTurn = { content: [
    { type: 'thinking' as const, thinking: 'I should run ls.', signature: 'sig-anth-1' },
    { type: 'tool_use' as const, id: 'toolu_ls1', name: 'shell', input: { command: ['ls'] } },
  ], usage: { input_tokens: 40, output_tokens: 12 } };
  const answerTurn = { content: [{ type: 'text' as const, text: 'There are two files.' }], usage: { input_tokens: 70, output_tokens: 6, cache_read_input_tokens: 30 } };

  test('responses.create: a function call with signed reasoning, its output next turn with the whole history, then the answer', async () => {
    f.anthropic.reply = toolTurn;
    const first = await f.client.responses.create({ ...codexTurn(firstInput), stream: false });
    assert.equal(first.status, 'completed');
    const reasoning = first.output.find((i) => i.type === 'reasoning');
    assert.ok(reasoning !== undefined && reasoning.type === 'reasoning');
    assert.equal(typeof reasoning.encrypted_content, 'string', 'include: reasoning.encrypted_content gives the signed thinking back');
    const call = first.output.find((i) => i.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');
    assert.equal(call.name, 'shell');
    assert.equal(call.call_id, 'toolu_ls1');
    assert.deepEqual(JSON.parse(call.arguments), { command: ['ls'] });
    const sent = f.anthropic.last.body;
    assert.equal(sent.model, 'claude-up');
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'List the files.' }]);
    assert.match(JSON.stringify(sent.system), /You are a coding agent\./);
    const names = (sent.tools as Array<{ name: string }>).map((t) => t.name);
    assert.ok(names.includes('shell'), `the function tool reaches Anthropic: ${names.join(', ')}`);
    assert.ok(names.includes('web_search'), 'web_search is Lingua\'s search tool, offered to the model');

    f.anthropic.reply = answerTurn;
    const second = await f.client.responses.create({ ...codexTurn([
      ...firstInput,
      ...(first.output as ResponseInputItem[]),
      { type: 'function_call_output', call_id: call.call_id, output: 'README.md\nsrc\n' },
    ]), stream: false });
    assert.equal(second.output_text, 'There are two files.');
    assert.equal(second.usage?.input_tokens_details.cached_tokens, 30);
    const history = f.anthropic.last.body.messages as AnthropicMessage[];
    assert.equal(history.length, 3);
    assert.equal(history[1]!.role, 'assistant');
    const blocks = history[1]!.content as AnthropicBlock[];
    assert.deepEqual(blocks.map((b) => b.type), ['thinking', 'tool_use'], 'the thinking goes back before its tool call');
    assert.equal(blocks[0]!.signature, 'sig-anth-1');
    assert.equal(blocks[0]!.thinking, 'I should run ls.');
    assert.deepEqual(blocks[1], { type: 'tool_use', id: 'toolu_ls1', name: 'shell', input: { command: ['ls'] } });
    assert.equal(history[2]!.role, 'user');
    const result = (history[2]!.content as AnthropicBlock[])[0]!;
    assert.equal(result.type, 'tool_result');
    assert.equal(result.tool_use_id, 'toolu_ls1');
    assert.match(JSON.stringify(result.content), /README\.md\\nsrc/);
  });

  test('responses.stream: the same turns streamed, the final response with the call and then the answer', async () => {
    f.anthropic.reply = toolTurn;
    const stream = f.client.responses.stream(codexTurn(firstInput));
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const first = await stream.finalResponse();
    assert.equal(events.at(-1)!.type, 'response.completed');
    const call = first.output.find((i) => i.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');
    assert.equal(call.call_id, 'toolu_ls1');
    assert.deepEqual(JSON.parse(call.arguments), { command: ['ls'] });
    const argDeltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => (e as { delta: string }).delta).join('');
    assert.deepEqual(JSON.parse(argDeltas), { command: ['ls'] });
    const reasoning = first.output.find((i) => i.type === 'reasoning');
    assert.ok(reasoning !== undefined && reasoning.type === 'reasoning' && typeof reasoning.encrypted_content === 'string');
    assert.equal(f.anthropic.last.body.stream, true);

    f.anthropic.reply = { ...answerTurn, chunkSize: 3 };
    const next = f.client.responses.stream(codexTurn([
      ...firstInput, ...(first.output as ResponseInputItem[]),
      { type: 'function_call_output', call_id: call.call_id, output: 'README.md\nsrc\n' },
    ]));
    let text = '';
    for await (const e of next) if (e.type === 'response.output_text.delta') text += e.delta;
    assert.equal(text, 'There are two files.');
    assert.equal((await next.finalResponse()).output_text, 'There are two files.');
    const blocks = (f.anthropic.last.body.messages as AnthropicMessage[])[1]!.content as AnthropicBlock[];
    assert.equal(blocks[0]!.signature, 'sig-anth-1', 'the streamed signature round-trips too');
  });

  test('the raw stream over Anthropic keeps the Responses framing and item lifecycle', async () => {
    f.anthropic.reply = { ...toolTurn, chunkSize: 2 };
    const posted = await postResponses(f.server, { ...codexTurn(firstInput), stream: true });
    assert.equal(posted.status, 200);
    const final = checkStream(sseEvents(posted.text));
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.output.map((i: { type: string }) => i.type), ['reasoning', 'function_call']);
  });
});
