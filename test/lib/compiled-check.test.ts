import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { compileCheck } from '../../src/lib/compiled-check.js';
import { anthropicBounds, messagesRequestSchema } from '../../src/protocols/anthropic/request-schema.js';
import { chatCompletionRequestSchema, openAIBounds } from '../../src/protocols/openai/request-schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Chat requests that use every part of the schema. */
const valid: Json[] = [
  { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
  {
    model: 'm',
    messages: [
      { role: 'system', content: 'be brief', name: 'sys' },
      { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==', detail: 'low' } }], name: 'u' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }], reasoning_content: 'hmm', refusal: null },
      { role: 'tool', tool_call_id: 'call_1', content: 'result' },
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'refusal', refusal: 'no' }] },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.7,
    top_p: 1,
    n: 2,
    stop: ['a', 'b', 'c', 'd'],
    max_tokens: 10,
    max_completion_tokens: 20,
    presence_penalty: -2,
    frequency_penalty: 2,
    logit_bias: { '50256': -100 },
    logprobs: true,
    top_logprobs: 20,
    user: 'u-1',
    tools: [{ type: 'function', function: { name: 'get_weather-1', description: 'd', parameters: { type: 'object' }, strict: true } }],
    tool_choice: { type: 'function', function: { name: 'get_weather-1' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true, description: null } },
    seed: 42,
    reasoning_effort: 'low',
    modalities: ['text'],
    audio: null,
    enable_search: true,
    metadata: { session: 's-1' },
  },
  { model: 'm', messages: [{ role: 'user', content: 'x' }], stop: 'END', tool_choice: 'auto', response_format: { type: 'json_object' }, temperature: null, n: null },
];

/** Values swapped in for every field in turn: wrong types, out of range, empty, near the limits. */
const replacements: Json[] = [null, true, 0, -1, 1.5, 2.5, 129, 1e300, '', 'x', 'user', 'function', [], ['a'], ['a', 'b', 'c', 'd', 'e'], {}, { type: 'text' }];

/** Every body one change away from `body`: each field (at any depth) replaced or removed. */
function* mutations(body: Json): Generator<Json> {
  if (Array.isArray(body)) {
    for (let i = 0; i < body.length; i++) {
      for (const r of [...replacements, ...mutations(body[i]!)]) yield body.map((v, j) => (j === i ? r : v));
      yield body.filter((_, j) => j !== i);
    }
  } else if (typeof body === 'object' && body !== null) {
    for (const key of Object.keys(body)) {
      for (const r of [...replacements, ...mutations(body[key]!)]) yield { ...body, [key]: r };
      const { [key]: _removed, ...rest } = body;
      yield rest;
    }
  }
}

/** The compiled check of `schema` and zod agree on each body of `corpus` and on every one-change mutation of it. */
function agreeOnMutations(schema: z.ZodType, corpus: Json[], atLeast: number): void {
  const check = compileCheck(schema);
  let checked = 0;
  let rejected = 0;
  for (const body of corpus) {
    assert.equal(check(body), true, `valid body rejected: ${JSON.stringify(body)}`);
    assert.equal(schema.safeParse(body).success, true);
    for (const mutated of mutations(body)) {
      const byZod = schema.safeParse(mutated).success;
      assert.equal(check(mutated), byZod, `compiled check and zod disagree on ${JSON.stringify(mutated)}`);
      checked++;
      if (!byZod) rejected++;
    }
  }
  // The corpus really exercises rejection (and acceptance) at depth.
  assert.ok(checked > atLeast, `only ${checked} mutations`);
  assert.ok(rejected > checked / 3 && rejected < checked, `${rejected} of ${checked} rejected`);
}

test('the compiled check of the chat request agrees with zod on valid bodies and on every one-change mutation of them', () => {
  agreeOnMutations(chatCompletionRequestSchema, valid, 1500);
});

/** Anthropic Messages requests that use every part of its schema. */
const validMessages: Json[] = [
  { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
  {
    model: 'm',
    max_tokens: 4096,
    system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }, { type: 'redacted_thinking', data: 'r' }, { type: 'text', text: 'a' }, { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'r' }], is_error: false }, { type: 'tool_result', tool_use_id: 't1', content: 'r' }] },
      { role: 'system', content: 'late system text' },
    ],
    stream: true,
    stop_sequences: ['END'],
    temperature: 0.5,
    top_p: 1,
    top_k: 5,
    metadata: { user_id: 'u' },
    tools: [{ name: 'f', description: 'd', input_schema: { type: 'object', properties: {} }, strict: true, cache_control: { type: 'ephemeral' } }],
    tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
    thinking: { type: 'enabled', budget_tokens: 2048 },
    output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  },
  { model: 'm', max_tokens: 1, system: 'be brief', messages: [{ role: 'user', content: [] }], tool_choice: { type: 'none' }, thinking: { type: 'adaptive', display: 'omitted' } },
];

test('the compiled check of the Anthropic request agrees with zod on valid bodies and on every one-change mutation of them', () => {
  agreeOnMutations(messagesRequestSchema, validMessages, 1500);
});

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

/** Each field set to `value(bound)` is valid and to `value(bound + 1)` is not, for zod and the compiled check alike. */
function agreeAtBounds(schema: z.ZodType, base: Record<string, Json>, fields: Array<[string, (n: number) => Json, number]>): void {
  const check = compileCheck(schema);
  for (const [field, value, bound] of fields) {
    for (const [n, valid] of [[bound, true], [bound + 1, false]] as const) {
      const body = { ...base, [field]: value(n) };
      assert.equal(schema.safeParse(body).success, valid, `zod on ${field} at ${n}`);
      assert.equal(check(body), valid, `the compiled check on ${field} at ${n}`);
    }
  }
}

test('the compiled check and zod agree at the request bounds and just past them', () => {
  const tool = (i: number) => ({ type: 'function', function: { name: `f${i}` } });
  agreeAtBounds(chatCompletionRequestSchema, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, [
    ['stop', (n) => many(n, () => 's'), openAIBounds.stop],
    ['stop', (n) => 'x'.repeat(n), openAIBounds.stopLength],
    ['tools', (n) => many(n, tool), openAIBounds.tools],
    ['n', (n) => n, openAIBounds.n],
    ['model', (n) => 'm'.repeat(n), openAIBounds.model],
    ['metadata', (n) => ({ ['k'.repeat(n)]: 'v' }), openAIBounds.metadataKey],
    ['metadata', (n) => ({ k: 'v'.repeat(n) }), openAIBounds.metadataValue],
    ['messages', (n) => many(n, () => ({ role: 'user', content: 'x' })), openAIBounds.messages],
    ['messages', (n) => [{ role: 'user', content: many(n, () => ({ type: 'text', text: 'x' })) }], openAIBounds.parts],
  ]);
  agreeAtBounds(messagesRequestSchema, { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }, [
    ['stop_sequences', (n) => many(n, () => 's'), anthropicBounds.stopSequences],
    ['stop_sequences', (n) => ['x'.repeat(n)], anthropicBounds.stopLength],
    ['tools', (n) => many(n, (i) => ({ name: `f${i}`, input_schema: { type: 'object' } })), anthropicBounds.tools],
    ['model', (n) => 'm'.repeat(n), anthropicBounds.model],
    ['system', (n) => many(n, () => ({ type: 'text', text: 's' })), anthropicBounds.blocks],
    ['messages', (n) => many(n, () => ({ role: 'user', content: 'x' })), anthropicBounds.messages],
    ['messages', (n) => [{ role: 'user', content: many(n, () => ({ type: 'text', text: 'x' })) }], anthropicBounds.blocks],
    ['messages', (n) => [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: many(n, () => ({ type: 'text', text: 'x' })) }] }], anthropicBounds.blocks],
  ]);
});

test('a valid body passes unchanged: what zod returns equals the input', () => {
  for (const body of valid) assert.deepEqual(chatCompletionRequestSchema.parse(body), body);
});

test('a schema whose parsed value is not its input is refused: defaults, transforms, stripped keys', () => {
  assert.throws(() => compileCheck(z.looseObject({ a: z.string().default('x') })), /parsed value would differ/);
  assert.throws(() => compileCheck(z.looseObject({ a: z.string().transform((s) => s.length) })), /parsed value would differ|Transforms cannot be represented/);
  assert.throws(() => compileCheck(z.object({ a: z.string() })), /parsed value would differ/);
  const check = compileCheck(z.looseObject({ a: z.int().min(1) }));
  assert.equal(check({ a: 1, b: 2 }), true);
  assert.equal(check({ a: 0 }), false);
  assert.equal(check({ a: 1.5 }), false);
  assert.equal(compileCheck(z.strictObject({ a: z.string() }))({ a: 'x', b: 1 }), false);
});
