import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { flattenBatches, LinguaError, type ChatRequest, type StreamEvent } from '../../src/canonical/index.js';
import { AbortSource } from '../../src/lib/abort-source.js';
import { createLogger } from '../../src/lib/logger.js';
import { anthropicProviderFactory, anthropicProviderSchema } from '../../src/providers/anthropic/provider.js';
import { mulberry32 } from '../../src/providers/llama-cpp/gguf/random-model.js';
import { llamaCppProviderFactory, llamaCppProviderSchema } from '../../src/providers/llama-cpp/provider.js';
import { openAIProviderFactory, openAIProviderSchema } from '../../src/providers/openai/provider.js';
import type { Provider } from '../../src/providers/provider.js';
import { generateTestModels, SCRIPT, type TestModels } from '../llama-cpp/models.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';

/** The seed of the abort moments: a failure names it, and this run can be repeated with it. */
const SEED = Number(process.env.ABORT_SEED ?? 20_251);
const logger = createLogger('silent');

function request(stream: boolean): ChatRequest {
  return { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream, includeUsage: stream, n: 1, maxTokens: 64, extra: Object.create(null) as Record<string, unknown> };
}

type Moment = { kind: 'before' } | { kind: 'at-once' } | { kind: 'after-events'; events: number } | { kind: 'after-ms'; ms: number };

function moment(random: () => number): Moment {
  const r = random();
  if (r < 0.1) return { kind: 'before' };
  if (r < 0.25) return { kind: 'at-once' };
  if (r < 0.65) return { kind: 'after-events', events: Math.floor(random() * 12) };
  return { kind: 'after-ms', ms: Math.floor(random() * 40) };
}

type Outcome = { ended: 'complete'; abortedFirst: false } | { ended: 'error'; error: unknown; abortedFirst: boolean };

/** Runs one call, aborting its client at `when`; says how the provider's stream ended and whether the abort came first. */
async function run(provider: Provider, stream: boolean, when: Moment): Promise<Outcome> {
  const source = new AbortSource();
  if (when.kind === 'before') source.abort();
  const call = { request: request(stream), model: 'up-model', signal: source.signal, abort: source };
  const events = provider.batches ? flattenBatches(provider.batches(call)) : provider.stream(call);
  if (when.kind === 'at-once') source.abort();
  const timer = when.kind === 'after-ms' ? setTimeout(() => source.abort(), when.ms) : undefined;
  let seen = 0;
  try {
    for await (const _event of events as AsyncIterable<StreamEvent>) {
      seen++;
      if (when.kind === 'after-events' && seen > when.events) source.abort();
    }
    // A stream that ends as if complete after its client left is the bug this test looks for.
    assert.equal(source.aborted, false, `the stream ended as if complete after the abort (${JSON.stringify(when)})`);
    return { ended: 'complete', abortedFirst: false };
  } catch (error) {
    return { ended: 'error', error, abortedFirst: source.aborted };
  } finally {
    clearTimeout(timer);
  }
}

/** Many calls at once, each aborted at a seeded random moment: every aborted one ends with client_closed. */
async function abortStorm(provider: Provider, seed: number, calls: number): Promise<{ aborted: number; completed: number }> {
  const random = mulberry32(seed);
  const plans = Array.from({ length: calls }, () => ({ stream: random() < 0.7, when: moment(random) }));
  const outcomes = await Promise.all(plans.map((p) => run(provider, p.stream, p.when)));
  let aborted = 0;
  outcomes.forEach((o, i) => {
    const what = `call ${i} of seed ${seed}: ${JSON.stringify(plans[i])}`;
    if (o.ended === 'complete') return;
    assert.ok(o.abortedFirst, `${what} failed without an abort: ${String(o.error)}`);
    assert.ok(o.error instanceof LinguaError, `${what} threw ${String(o.error)}, not a LinguaError`);
    assert.equal(o.error.kind, 'client_closed', `${what}: ${o.error.kind} ${o.error.message}`);
    assert.equal(o.error.status, 499);
    aborted++;
  });
  return { aborted, completed: calls - aborted };
}

/** The text of one call that nobody aborts. */
async function answer(provider: Provider): Promise<string> {
  const source = new AbortSource();
  let text = '';
  const call = { request: request(true), model: 'up-model', signal: source.signal, abort: source };
  for await (const e of provider.batches ? flattenBatches(provider.batches(call)) : provider.stream(call)) if (e.type === 'text') text += e.text;
  return text;
}

describe('a client that goes away ends the provider\'s stream with client_closed (499), on every backend', () => {
  let models: TestModels;
  let local: Provider;
  const openAIUpstream = new FakeOpenAI();
  const anthropicUpstream = new FakeAnthropic();
  let openai: Provider;
  let anthropic: Provider;
  const LONG = 'Words of a long answer, sent slowly. '.repeat(8);

  before(async () => {
    models = await generateTestModels();
    local = llamaCppProviderFactory.create(llamaCppProviderSchema.parse({ name: 'local', type: 'llama-cpp', model: models.scripted, context_size: 512, parallel: 2, threads: 1 }), { logger });
    await local.start?.();
    openAIUpstream.reply = { choices: [{ text: LONG }], usage: { prompt_tokens: 3, completion_tokens: 40 }, chunkSize: 8, delayMs: 2 };
    anthropicUpstream.reply = { content: [{ type: 'text', text: LONG }], usage: { input_tokens: 3, output_tokens: 40 }, chunkSize: 8, delayMs: 2 };
    openai = openAIProviderFactory.create(openAIProviderSchema.parse({ name: 'up', type: 'openai', base_url: await openAIUpstream.start() }), { logger });
    anthropic = anthropicProviderFactory.create(anthropicProviderSchema.parse({ name: 'ant', type: 'anthropic', base_url: await anthropicUpstream.start() }), { logger });
  });
  after(async () => {
    // The upstreams first: their sockets closed, the providers' pools have nothing left to wait for.
    await Promise.all([openAIUpstream.close(), anthropicUpstream.close()]);
    await Promise.all([local?.close(), openai?.close(), anthropic?.close()]);
    await models?.remove();
  });

  test('the local engine: streams aborted at random moments (queued, generating, between batches) all end with client_closed', async () => {
    let aborted = 0;
    for (let round = 0; round < 4; round++) aborted += (await abortStorm(local, SEED + round, 12)).aborted;
    assert.ok(aborted > 24, `only ${aborted} of 48 calls were aborted before their end`);
    // Every sequence is free again: as many answers at once as the model has sequences, in full.
    assert.deepEqual(await Promise.all([answer(local), answer(local)]), [SCRIPT, SCRIPT]);
  });

  for (const [name, provider] of [['OpenAI', () => openai], ['Anthropic', () => anthropic]] as const) {
    test(`the ${name} upstream: calls aborted at random moments, streaming or not, end with client_closed`, async () => {
      let aborted = 0;
      for (let round = 0; round < 2; round++) aborted += (await abortStorm(provider(), SEED + round, 12)).aborted;
      assert.ok(aborted > 12, `only ${aborted} of 24 calls were aborted before their end`);
      assert.equal(await answer(provider()), LONG);
    });
  }

  test('the Anthropic upstream\'s token count, aborted while it waits, ends with client_closed', async () => {
    anthropicUpstream.handler = async (_req, res) => {
      await sleep(2000);
      res.end();
    };
    try {
      const source = new AbortSource();
      const counting = anthropic.countTokens!(request(false), 'up-model', source.signal);
      setTimeout(() => source.abort(), 20);
      await assert.rejects(counting, (e: unknown) => e instanceof LinguaError && e.kind === 'client_closed');
    } finally {
      anthropicUpstream.handler = undefined;
    }
  });
});
