import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { FunctionTool, ResponseFunctionToolCall, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { writeGguf } from '../../src/providers/llama-cpp/gguf/gguf-writer.js';
import { scriptedModel, scriptedTokensModel } from '../../src/providers/llama-cpp/gguf/scripted-model.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { countTokens, generateTestModels, SCRIPT, SCRIPT_COMPLETION_TOKENS, SCRIPT_TOKENS, type TestModels } from '../llama-cpp/models.js';
import { toolCallTokens } from './engine-models.js';
import { checkStream, eventOutline, postResponses, sseEvents, type Event } from './support.js';

const weather: FunctionTool = {
  type: 'function', name: 'get_weather', description: 'Get the weather', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const PARIS = { city: 'Paris' };
/** Longer than the smallest max_output_tokens (16), one token a word. */
const LONG_WORDS = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen.'.split(' ');

const textItem = ['response.output_item.added', 'response.content_part.added', 'response.output_text.delta*', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done'];

/**
 * POST /v1/responses on the local engine (llama-cpp) with generated models:
 * `scripted` answers SCRIPT to anything, `long` a longer script,
 * `weather` calls get_weather for Paris. The official openai SDK's create and stream, the raw stream's
 * events, usage counted by the model's tokenizer, max_output_tokens, and a
 * function call turn and its output sent back as a Codex client sends it.
 */
describe('POST /v1/responses on the local engine', () => {
  let models: TestModels;
  let server: TestServer;
  let client: OpenAI;

  before(async () => {
    models = await generateTestModels();
    const calls = join(models.dir, 'weather.gguf');
    await writeGguf(calls, scriptedTokensModel(toolCallTokens(weather.name, PARIS), { name: 'lingua-weather' }));
    const long = join(models.dir, 'long.gguf');
    await writeGguf(long, scriptedModel(LONG_WORDS.join(' '), 'lingua-long'));
    server = await startLingua({
      providers: [
        { name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 2048, parallel: 2, threads: 1 },
        { name: 'calls', type: 'llama-cpp', model: calls, context_size: 2048, parallel: 1, threads: 1 },
        { name: 'long', type: 'llama-cpp', model: long, context_size: 512, parallel: 1, threads: 1 },
      ],
      models: [{ name: 'scripted', provider: 'local' }, { name: 'weather', provider: 'calls' }, { name: 'long', provider: 'long' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  test('responses.create: the script as one message, usage from the model\'s tokenizer', async () => {
    const r = await client.responses.create({ model: 'scripted', instructions: 'Be brief.', input: 'Hi there', store: false });
    assert.equal(r.status, 'completed');
    assert.equal(r.model, 'scripted');
    assert.equal(r.output_text, SCRIPT);
    assert.deepEqual(r.output.map((i) => i.type), ['message']);
    const prompt = await countTokens(models.scripted, '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n');
    assert.deepEqual(r.usage, {
      input_tokens: prompt, input_tokens_details: { cached_tokens: 0 },
      output_tokens: SCRIPT_COMPLETION_TOKENS, output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: prompt + SCRIPT_COMPLETION_TOKENS,
    });
  });

  test('responses.stream: one delta a token, then the final response with usage', async () => {
    const stream = client.responses.stream({ model: 'scripted', input: [{ role: 'user', content: 'Hi there' }] });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.finalResponse();
    assert.deepEqual(events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])), SCRIPT_TOKENS);
    assert.equal(final.output_text, SCRIPT);
    assert.equal(final.usage?.output_tokens, SCRIPT_COMPLETION_TOKENS);
    assert.equal(final.usage?.input_tokens, await countTokens(models.scripted, '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n'));
    assert.equal(events.at(-1)!.type, 'response.completed');
  });

  test('the raw stream: the event sequence of one message', async () => {
    const posted = await postResponses(server, { model: 'scripted', input: 'Hi', stream: true });
    assert.equal(posted.status, 200);
    const events = sseEvents(posted.text);
    const final = checkStream(events);
    assert.deepEqual(eventOutline(events), ['response.created', 'response.in_progress', ...textItem, 'response.completed']);
    assert.equal(final.output[0].content[0].text, SCRIPT);
  });

  test('max_output_tokens cuts the answer: incomplete, reason max_output_tokens, whole and streamed', async () => {
    const cut = LONG_WORDS.slice(0, 16).join(' ');
    const r = await client.responses.create({ model: 'long', input: 'Hi', max_output_tokens: 16 });
    assert.equal(r.status, 'incomplete');
    assert.deepEqual(r.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(r.output_text, cut);
    assert.equal(r.usage?.output_tokens, 16);
    // One more token and the model ends its turn: complete.
    const whole = await client.responses.create({ model: 'long', input: 'Hi', max_output_tokens: LONG_WORDS.length + 1 });
    assert.equal(whole.status, 'completed');
    assert.equal(whole.output_text, LONG_WORDS.join(' '));

    const posted = await postResponses(server, { model: 'long', input: 'Hi', max_output_tokens: 16, stream: true });
    const events = sseEvents(posted.text);
    const final = checkStream(events);
    assert.equal(events.at(-1)!.type, 'response.incomplete');
    assert.deepEqual(final.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(final.output[0].status, 'incomplete');
    assert.equal(final.output[0].content[0].text, cut);
  });

  test('the scripted call is the same under every seed, with other tools offered: the engine puts the call prefix back and the model still knows where it is', async () => {
    // Other tools whose names start differently: had the model lost its place, the name grammar would pick among them by the seed.
    const others: FunctionTool[] = ['read_file', 'view_image', 'update_plan'].map((name) => ({
      type: 'function', name, strict: false, parameters: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
    }));
    const tools = [...others, weather].map((t) => ({ type: 'function' as const, function: { name: t.name, parameters: t.parameters! } }));
    for (let seed = 0; seed < 12; seed++) {
      const r = await client.chat.completions.create({ model: 'weather', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, seed });
      const call = r.choices[0]!.message.tool_calls?.[0];
      assert.ok(call?.type === 'function', `seed ${seed}: ${JSON.stringify(r.choices[0]!.message)}`);
      assert.equal(call.function.name, 'get_weather', `seed ${seed}`);
      assert.deepEqual(JSON.parse(call.function.arguments), PARIS, `seed ${seed}`);
    }
  });

  test('a function call: the engine\'s parsed call as a function_call item, whole and streamed', async () => {
    const r = await client.responses.create({ model: 'weather', input: 'Weather in Paris?', tools: [weather] });
    assert.equal(r.status, 'completed');
    assert.deepEqual(r.output.map((i) => i.type), ['function_call']);
    const call = r.output[0] as ResponseFunctionToolCall;
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), PARIS);
    assert.match(call.call_id, /^call_/);
    assert.equal(call.status, 'completed');

    const posted = await postResponses(server, { model: 'weather', input: 'Weather in Paris?', tools: [weather], stream: true });
    const events = sseEvents(posted.text);
    const final = checkStream(events);
    assert.deepEqual(eventOutline(events), [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.function_call_arguments.delta*', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e: Event) => e.delta as string).join('');
    assert.deepEqual(JSON.parse(deltas), PARIS);
    assert.equal(final.output[0].arguments, deltas);
    assert.equal(final.output[0].name, 'get_weather');
  });

  test('the next turn as Codex sends it (whole history, store false, include, cache key): rendered like the same chat history', async () => {
    const first = await client.responses.create({ model: 'weather', input: 'Weather in Paris?', tools: [weather] });
    const call = first.output[0] as ResponseFunctionToolCall;
    const input: ResponseInputItem[] = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      ...(first.output as ResponseInputItem[]),
      { type: 'function_call_output', call_id: call.call_id, output: 'sunny' },
    ];
    // The scripted model answers the turn (the weather model would call again).
    const r = await client.responses.create({
      model: 'scripted', instructions: 'You are a coding agent.', input, tools: [weather], tool_choice: 'auto', parallel_tool_calls: false,
      store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'codex-session-1',
    });
    assert.equal(r.output_text, SCRIPT);
    // The same conversation as chat messages gives the same prompt: the call and its output reached the template.
    const chat = await client.chat.completions.create({
      model: 'scripted',
      tools: [{ type: 'function', function: { name: weather.name, description: weather.description!, parameters: weather.parameters! } }],
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
        { role: 'tool', tool_call_id: call.call_id, content: 'sunny' },
      ],
    });
    assert.equal(r.usage?.input_tokens, chat.usage?.prompt_tokens);
    const withoutResult = await client.chat.completions.create({ model: 'scripted', messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    assert.ok(r.usage!.input_tokens > withoutResult.usage!.prompt_tokens, 'the history is in the prompt');
  });

  test('what the engine refuses is a 400 naming the Responses field, not the Chat one', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AA==' }] }] }, 'input[0].content[0]'],
      // instructions are canonical message 0 and the two assistant-side items one turn: the item is still named by its place in input.
      [{
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: 'Look' }, { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Hm.' }] }, { role: 'assistant', content: 'Send it.' },
          { role: 'user', content: [{ type: 'input_text', text: 'Here:' }, { type: 'input_image', image_url: 'data:image/png;base64,AA==' }] },
        ],
      }, 'input[3].content[1]'],
      [{ text: { format: { type: 'json_schema', name: 'a', strict: true, schema: { type: 'string', pattern: '^a+$' } } } }, 'text.format.schema.pattern'],
      [{ text: { format: { type: 'json_object' } }, tools: [weather] }, 'text.format'],
    ];
    for (const [body, param] of cases) {
      const posted = await postResponses(server, { model: 'scripted', input: 'Hi', ...body });
      assert.equal(posted.status, 400, posted.text);
      const { error } = JSON.parse(posted.text) as { error: { param: string; message: string } };
      assert.equal(error.param, param, error.message);
    }
  });
});
