import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { collectStream } from '../support/collect-stream.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { scriptedModel } from '../../src/providers/llama-cpp/gguf/scripted-model.js';
import { countTokens, generateTestModels, pieceId, SCRIPT, SCRIPT_COMPLETION_TOKENS, SCRIPT_TOKENS, type TestModels } from './models.js';

describe('llama-cpp provider on the scripted model', () => {
  let models: TestModels;
  let server: TestServer;
  let client: OpenAI;
  const CONTEXT = 1024;

  before(async () => {
    models = await generateTestModels();
    server = await startLingua({
      providers: [{ name: 'local', type: 'llama-cpp', model: models.scripted, context_size: CONTEXT, parallel: 2, threads: 1 }],
      models: [{ name: 'scripted', provider: 'local' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  const hi = [{ role: 'user' as const, content: 'Hi there' }];

  test('answers the script exactly, with usage counted by the model tokenizer', async () => {
    const r = await client.chat.completions.create({ model: 'scripted', messages: hi });
    assert.equal(r.choices.length, 1);
    assert.equal(r.choices[0]!.message.content, SCRIPT);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    // The prompt is the GGUF's ChatML template, rendered and counted independently here.
    const prompt = await countTokens(models.scripted, '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n');
    assert.equal(r.usage?.prompt_tokens, prompt);
    assert.equal(r.usage?.completion_tokens, SCRIPT_COMPLETION_TOKENS);
    assert.equal(r.usage?.total_tokens, prompt + SCRIPT_COMPLETION_TOKENS);
  });

  test('system, developer and multi-turn messages go through the template', async () => {
    const r = await client.chat.completions.create({
      model: 'scripted',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        { role: 'developer', content: 'Three' },
        { role: 'user', content: 'Four' },
      ],
    });
    const expected = '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nOne<|im_end|>\n<|im_start|>assistant\nTwo<|im_end|>\n'
      + '<|im_start|>system\nThree<|im_end|>\n<|im_start|>user\nFour<|im_end|>\n<|im_start|>assistant\n';
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, expected));
    assert.equal(r.choices[0]!.message.content, SCRIPT);
  });

  test('streams token by token, then finish and usage', async () => {
    const stream = await client.chat.completions.create({ model: 'scripted', messages: hi, stream: true, stream_options: { include_usage: true } });
    const got = await collectStream(stream);
    const contents = got.chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    assert.deepEqual(contents, SCRIPT_TOKENS);
    assert.equal(got.text, SCRIPT);
    assert.deepEqual(got.finishReasons, ['stop']);
    assert.equal(got.usages.length, 1);
    assert.equal(got.usages[0]!.completion_tokens, SCRIPT_COMPLETION_TOKENS);
  });

  test('n: 2 gives two choices; completion tokens add up, the prompt counts once', async () => {
    const r = await client.chat.completions.create({ model: 'scripted', messages: hi, n: 2 });
    assert.deepEqual(r.choices.map((c) => [c.index, c.message.content, c.finish_reason]), [[0, SCRIPT, 'stop'], [1, SCRIPT, 'stop']]);
    assert.equal(r.usage?.completion_tokens, 2 * SCRIPT_COMPLETION_TOKENS);
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n'));
  });

  test('a stop sequence ends the answer and is left out of it', async () => {
    const r = await client.chat.completions.create({ model: 'scripted', messages: hi, stop: ['model of'] });
    assert.equal(r.choices[0]!.message.content, 'Hello! I am the scripted test ');
    assert.equal(r.choices[0]!.finish_reason, 'stop');
    // Tokens generated up to and including the two of the stop sequence.
    assert.equal(r.usage?.completion_tokens, SCRIPT_TOKENS.indexOf(' of') + 1);
  });

  test('max_tokens cuts the answer with finish_reason length', async () => {
    const r = await client.chat.completions.create({ model: 'scripted', messages: hi, max_tokens: 3 });
    assert.equal(r.choices[0]!.message.content, SCRIPT_TOKENS.slice(0, 3).join(''));
    assert.equal(r.choices[0]!.finish_reason, 'length');
    assert.equal(r.usage?.completion_tokens, 3);
  });

  test('sampling parameters are accepted and the script holds at any temperature', async () => {
    const r = await client.chat.completions.create({
      model: 'scripted', messages: hi, temperature: 2, top_p: 0.9, seed: 42, presence_penalty: 1, frequency_penalty: 1,
      // @ts-expect-error engine extensions, passed as extra body fields
      top_k: 40, min_p: 0.05,
    });
    assert.equal(r.choices[0]!.message.content, SCRIPT);
  });

  test('logit_bias steers the model: banning the first word changes the answer', async () => {
    const firstWord = pieceId(scriptedModel(SCRIPT), 'Hello!');
    const r = await client.chat.completions.create({ model: 'scripted', messages: hi, max_tokens: 2, logit_bias: { [String(firstWord)]: -100 } });
    assert.equal(r.choices[0]!.message.content?.startsWith('Hello!'), false);
  });

  test('more concurrent requests than sequences all complete', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => client.chat.completions.create({ model: 'scripted', messages: hi })));
    for (const r of results) assert.equal(r.choices[0]!.message.content, SCRIPT);
  });

  test('a prompt longer than the context is a 400 context_length_exceeded, never truncated', async () => {
    const long = [{ role: 'user' as const, content: 'word '.repeat(CONTEXT) }];
    await assert.rejects(client.chat.completions.create({ model: 'scripted', messages: long }), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'context_length_exceeded');
      assert.match(e.message, new RegExp(`maximum context length is ${CONTEXT} tokens`));
      return true;
    });
    await assert.rejects(client.chat.completions.create({ model: 'scripted', messages: hi, max_tokens: CONTEXT }), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'context_length_exceeded');
      assert.match(e.message, new RegExp(`${CONTEXT} in the completion`));
      return true;
    });
  });

  test('clamp_max_tokens: a max_tokens beyond the context ends at the context, with finish length', async () => {
    const clamped = await startLingua({
      providers: [{ name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 256, parallel: 1, threads: 1, clamp_max_tokens: true }],
      models: [{ name: 'small', provider: 'local' }],
    });
    try {
      const c = new OpenAI({ baseURL: `${clamped.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const r = await c.chat.completions.create({ model: 'small', messages: hi, max_tokens: 32000 });
      assert.equal(r.choices[0]!.message.content, SCRIPT, 'the whole script fits in the room left');
      const long = 'word '.repeat(45); // 244 prompt tokens: room for 12 of the script's 15
      const cut = await c.chat.completions.create({ model: 'small', messages: [{ role: 'user', content: long }], max_tokens: 32000 });
      assert.equal(cut.choices[0]!.finish_reason, 'length');
      assert.equal(cut.usage!.prompt_tokens + cut.usage!.completion_tokens, 256);
    } finally {
      await clamped.close();
    }
  });

  test('tools, tool calls and tool results are rendered by the model\'s own template', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Get the weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const r = await client.chat.completions.create({
      model: 'scripted',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    const expected = '<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n'
      + 'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n'
      + '{"type": "function", "function": {"name": "get_weather", "description": "Get the weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}\n'
      + '</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n'
      + '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n'
      + '<|im_start|>user\nWeather in Paris?<|im_end|>\n'
      + '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call><|im_end|>\n'
      + '<|im_start|>user\n<tool_response>\n"sunny"\n</tool_response><|im_end|>\n<|im_start|>assistant\n';
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, expected));
    assert.equal(r.choices[0]!.message.content, SCRIPT);
    assert.equal(r.choices[0]!.finish_reason, 'stop');
  });

  test('reasoning_effort becomes a thought budget; a template without thinking answers as usual', async () => {
    for (const effort of ['low', 'medium', 'high', 'none'] as const) {
      const r = await client.chat.completions.create({ model: 'scripted', messages: hi, reasoning_effort: effort });
      assert.equal(r.choices[0]!.message.content, SCRIPT, effort);
    }
  });

  test('parameters the engine cannot honour are rejected by name, not dropped', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logprobs: true }, 'logprobs'],
      [{ logit_bias: { 999999: 5 } }, 'logit_bias'],
      [{ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string', pattern: '^a+$' } } } }, 'response_format.json_schema.schema.pattern'],
      [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }] }, 'messages[0].content[0]'],
    ];
    for (const [body, param] of cases) {
      const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'scripted', messages: hi, ...body }) });
      assert.equal(res.status, 400, param);
      const { error } = await res.json() as { error: { param: string; message: string } };
      assert.equal(error.param, param);
    }
  });
});
