import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startLingua, type TestServer } from '../support/lingua.js';
import { sharedLlama } from '../../src/providers/llama-cpp/engine.js';
import { u32, writeGguf, type GgufFile } from '../../src/providers/llama-cpp/gguf/gguf-writer.js';
import { scriptedModel } from '../../src/providers/llama-cpp/gguf/scripted-model.js';
import { countTokens, generateTestModels, pieceId, SCRIPT, SCRIPT_COMPLETION_TOKENS, SCRIPT_TOKENS, type TestModels } from '../llama-cpp/models.js';

/**
 * The scripted model with fill-in-the-middle markers declared: three
 * control/byte tokens that ordinary text never tokenizes to. After the
 * middle marker (not a script word) the model answers the whole script.
 */
function withFimTokens(file: GgufFile): GgufFile {
  return {
    ...file,
    metadata: [
      ...file.metadata,
      ['tokenizer.ggml.fim_pre_token_id', u32(pieceId(file, '</s>'))],
      ['tokenizer.ggml.fim_suf_token_id', u32(pieceId(file, '<|im_start|>'))],
      ['tokenizer.ggml.fim_mid_token_id', u32(pieceId(file, '<0x01>'))],
    ],
  };
}

/** A prompt that ends inside the script: a raw completion carries on from its last word. */
const OPENING = 'Hello! I am';
/** Script words in OPENING (its tokens are more: the first word is reachable only by the model's answer, not the tokenizer). */
const OPENING_WORDS = 3;
const CONTINUATION = SCRIPT.slice(OPENING.length);
/** Tokens generated after OPENING: the remaining words and the end-of-turn token. */
const CONTINUATION_TOKENS = SCRIPT_TOKENS.length - OPENING_WORDS + 1;

/** The token ids of `text` by the model's own tokenizer, loaded directly. */
async function tokenIds(modelPath: string, text: string): Promise<number[]> {
  const model = await (await sharedLlama()).loadModel({ modelPath });
  try {
    return [...model.tokenize(text, true)];
  } finally {
    await model.dispose();
  }
}

interface Frame { choices: Array<{ text: string; index: number; finish_reason: string | null; logprobs: unknown }>; usage?: { prompt_tokens: number; completion_tokens: number } }

describe('POST /v1/completions on the local engine (scripted model)', () => {
  let models: TestModels;
  let fimPath: string;
  let server: TestServer;
  let client: OpenAI;
  const CONTEXT = 1024;

  before(async () => {
    models = await generateTestModels();
    fimPath = join(models.dir, 'scripted-fim.gguf');
    await writeGguf(fimPath, withFimTokens(scriptedModel(SCRIPT)));
    server = await startLingua({
      providers: [
        { name: 'local', type: 'llama-cpp', model: models.scripted, context_size: CONTEXT, parallel: 1, threads: 1 },
        { name: 'local-fim', type: 'llama-cpp', model: fimPath, context_size: CONTEXT, parallel: 1, threads: 1 },
        // Random weights: goes on until max_tokens; one sequence, no queue (a busy one is a 429).
        { name: 'single', type: 'llama-cpp', model: models.random, context_size: 8192, parallel: 1, max_queue: 0, threads: 1 },
      ],
      models: [{ name: 'scripted', provider: 'local' }, { name: 'scripted-fim', provider: 'local-fim' }, { name: 'single', provider: 'single' }],
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await server?.close();
    await models?.remove();
  });

  async function post(body: Record<string, unknown>): Promise<Response> {
    return fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  async function refusedNaming(body: Record<string, unknown>, param: string): Promise<void> {
    const res = await post(body);
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.equal((JSON.parse(text) as { error: { param: string } }).error.param, param, text);
  }

  test('the raw prompt, no chat template: usage is its own tokenization, the answer the script (SDK)', async () => {
    const r = await client.completions.create({ model: 'scripted', prompt: 'Hi there', max_tokens: 64 });
    assert.equal(r.object, 'text_completion');
    assert.deepEqual(r.choices.map((c) => [c.index, c.text, c.finish_reason, c.logprobs]), [[0, SCRIPT, 'stop', null]]);
    const raw = await countTokens(models.scripted, 'Hi there');
    assert.ok(raw < await countTokens(models.scripted, '<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n'));
    assert.equal(r.usage?.prompt_tokens, raw);
    assert.equal(r.usage?.completion_tokens, SCRIPT_COMPLETION_TOKENS);
    assert.equal(r.usage?.total_tokens, raw + SCRIPT_COMPLETION_TOKENS);
  });

  test('a prompt ending inside the script is continued from its last word', async () => {
    const r = await client.completions.create({ model: 'scripted', prompt: OPENING, max_tokens: 64 });
    assert.equal(r.choices[0]?.text, CONTINUATION);
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, OPENING));
    assert.equal(r.usage?.completion_tokens, CONTINUATION_TOKENS);
  });

  test('special tokens written in the prompt are read as those tokens (a hand-written template)', async () => {
    const templated = '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n';
    const r = await client.completions.create({ model: 'scripted', prompt: templated, max_tokens: 64 });
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, templated));
    assert.equal(r.choices[0]?.text, SCRIPT);
  });

  test('an array prompt with n: choice prompt_i * n + j, prompt tokens summed over the prompts', async () => {
    const r = await client.completions.create({ model: 'scripted', prompt: ['Hi there', OPENING], n: 2, max_tokens: 64 });
    assert.deepEqual(r.choices.map((c) => [c.index, c.text, c.finish_reason]), [
      [0, SCRIPT, 'stop'], [1, SCRIPT, 'stop'], [2, CONTINUATION, 'stop'], [3, CONTINUATION, 'stop'],
    ]);
    assert.equal(r.usage?.prompt_tokens, await countTokens(models.scripted, 'Hi there') + await countTokens(models.scripted, OPENING));
    assert.equal(r.usage?.completion_tokens, 2 * SCRIPT_COMPLETION_TOKENS + 2 * CONTINUATION_TOKENS);
  });

  test('a prompt of token ids is evaluated as those tokens; an array of them gives a prompt each', async () => {
    const ids = await tokenIds(models.scripted, OPENING);
    const one = await client.completions.create({ model: 'scripted', prompt: ids, max_tokens: 64 });
    assert.deepEqual(one.choices.map((c) => c.text), [CONTINUATION]);
    assert.equal(one.usage?.prompt_tokens, ids.length);
    const hi = await tokenIds(models.scripted, 'Hi');
    const two = await client.completions.create({ model: 'scripted', prompt: [hi, ids], n: 2, max_tokens: 64 });
    assert.deepEqual(two.choices.map((c) => [c.index, c.text]), [[0, SCRIPT], [1, SCRIPT], [2, CONTINUATION], [3, CONTINUATION]]);
    assert.equal(two.usage?.prompt_tokens, hi.length + ids.length);
    await refusedNaming({ model: 'scripted', prompt: [...ids, 1_000_000] }, 'prompt');
    await refusedNaming({ model: 'scripted', prompt: [ids, [-1]] }, 'prompt[1][0]');
    await refusedNaming({ model: 'scripted', prompt: ids, echo: true }, 'echo');
  });

  test('stop ends the text before the stop sequence; max_tokens ends it with finish_reason length', async () => {
    const stopped = await client.completions.create({ model: 'scripted', prompt: 'Hi', stop: ['model of'], max_tokens: 64 });
    assert.equal(stopped.choices[0]?.text, 'Hello! I am the scripted test ');
    assert.equal(stopped.choices[0]?.finish_reason, 'stop');
    const cut = await client.completions.create({ model: 'scripted', prompt: 'Hi', max_tokens: 3 });
    assert.equal(cut.choices[0]?.text, 'Hello! I am');
    assert.equal(cut.choices[0]?.finish_reason, 'length');
    assert.equal(cut.usage?.completion_tokens, 3);
    // The default max_tokens is OpenAI's 16: the script (14 tokens with its end) fits.
    const byDefault = await client.completions.create({ model: 'scripted', prompt: 'Hi' });
    assert.equal(byDefault.choices[0]?.text, SCRIPT);
  });

  test('best_of equal to n is accepted (it is what every request does)', async () => {
    const r = await client.completions.create({ model: 'scripted', prompt: 'Hi', n: 2, best_of: 2, max_tokens: 64 });
    assert.deepEqual(r.choices.map((c) => c.text), [SCRIPT, SCRIPT]);
  });

  test('echo puts each choice\'s own prompt before its text', async () => {
    const one = await client.completions.create({ model: 'scripted', prompt: OPENING, echo: true, max_tokens: 64 });
    assert.equal(one.choices[0]?.text, SCRIPT);
    const many = await client.completions.create({ model: 'scripted', prompt: ['Hi', OPENING], n: 2, echo: true, max_tokens: 64 });
    assert.deepEqual(many.choices.map((c) => c.text), [`Hi${SCRIPT}`, `Hi${SCRIPT}`, SCRIPT, SCRIPT]);
  });

  test('streamed: one chunk per token, each choice\'s finish, usage when asked, then data: [DONE]', async () => {
    const res = await post({ model: 'scripted', prompt: ['Hi', OPENING], n: 1, stream: true, stream_options: { include_usage: true }, max_tokens: 64 });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = (await res.text()).split('\n\n').filter((f) => f !== '' && !f.startsWith(':'));
    assert.equal(frames.at(-1), 'data: [DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice('data: '.length)) as Frame);
    const texts = (index: number) => chunks.flatMap((c) => c.choices.filter((x) => x.index === index && x.text !== '').map((x) => x.text));
    assert.deepEqual(texts(0), SCRIPT_TOKENS);
    assert.deepEqual(texts(1), SCRIPT_TOKENS.slice(OPENING_WORDS));
    assert.deepEqual(chunks.flatMap((c) => c.choices.filter((x) => x.finish_reason !== null).map((x) => [x.index, x.finish_reason])), [[0, 'stop'], [1, 'stop']]);
    const usage = chunks.filter((c) => c.usage !== undefined);
    assert.equal(usage.length, 1);
    assert.equal(usage[0], chunks.at(-1));
    assert.deepEqual(usage[0]?.choices, []);
    assert.equal(usage[0]?.usage?.completion_tokens, SCRIPT_COMPLETION_TOKENS + CONTINUATION_TOKENS);
  });

  test('streamed through the openai SDK: the text comes together, echo first', async () => {
    const stream = await client.completions.create({ model: 'scripted', prompt: OPENING, echo: true, stream: true, max_tokens: 64 });
    let text = '';
    const finishes: Array<string | null> = [];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text += c.text;
        if (c.finish_reason !== null) finishes.push(c.finish_reason);
      }
    }
    assert.equal(text, SCRIPT);
    assert.deepEqual(finishes, ['stop']);
  });

  test('suffix on a model with fill-in-the-middle tokens builds the FIM prompt', async () => {
    // Without FIM the prompt's last word would be continued; after the middle marker the model starts the script over.
    const r = await client.completions.create({ model: 'scripted-fim', prompt: OPENING, suffix: ' here.', max_tokens: 64 });
    assert.equal(r.choices[0]?.text, SCRIPT);
    const markers = 3;
    assert.equal(r.usage?.prompt_tokens, await countTokens(fimPath, OPENING) + await countTokens(fimPath, ' here.') + markers);
    const plain = await client.completions.create({ model: 'scripted-fim', prompt: OPENING, max_tokens: 64 });
    assert.equal(plain.choices[0]?.text, CONTINUATION);
  });

  test('a client that leaves a streamed completion frees its sequence at once', async () => {
    const controller = new AbortController();
    const first = await client.completions.create({ model: 'single', prompt: 'Once upon a time', max_tokens: 8000, stream: true }, { signal: controller.signal });
    let chunks = 0;
    try {
      for await (const _ of first) if (++chunks === 5) controller.abort();
    } catch { /* aborted */ }
    assert.equal(chunks, 5);
    // The model would go on for ~8000 tokens; with the sequence freed, the next request gets it.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      const res = await post({ model: 'single', prompt: 'Hi', max_tokens: 3 });
      status = res.status;
      await res.arrayBuffer();
      if (status === 429) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 200);
  });

  test('refused with a 400 naming the field: suffix without FIM tokens, logprobs, bad values, a prompt beyond the context', async () => {
    await refusedNaming({ model: 'scripted', prompt: 'Hi', suffix: 'there' }, 'suffix');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', logprobs: 1 }, 'logprobs');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', max_tokens: -1 }, 'max_tokens');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', max_tokens: 0 }, 'max_tokens');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', temperature: 3 }, 'temperature');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', n: 0 }, 'n');
    await refusedNaming({ model: 'scripted', prompt: [] }, 'prompt');
    await refusedNaming({ model: 'scripted', prompt: 42 }, 'prompt');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', stop: 7 }, 'stop');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', best_of: 2 }, 'best_of');
    const unknown = await post({ model: 'scripted', prompt: 'Hi', frobnicate: true });
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /frobnicate/);
    await refusedNaming({ model: 'scripted', prompt: 'x '.repeat(CONTEXT) }, 'prompt');
    await refusedNaming({ model: 'scripted', prompt: 'Hi', max_tokens: CONTEXT }, 'prompt');
  });
});
