import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { RouterState, TargetRouteState } from '../../src/router/router.js';
import { completion, type RecordedRequest } from '../support/fake-openai.js';
import { FakeAnthropic, sendError } from '../support/fake-anthropic.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { until } from '../support/until.js';
import { API_KEY, ask, FaultyOpenAI, statusFault, type FaultAction } from './routing-fixture.js';

const SCOPED_KEY = 'sk-test-scoped-0123456789';

/** Small waits: no test here waits on a real backoff. */
const quick = { backoff_base_ms: 1, backoff_max_ms: 5, cooldown: { failures: 0 } };

interface World {
  server: TestServer;
  up: Record<string, FaultyOpenAI>;
  logs: LogLines;
  state(): RouterState;
  target(model: string, provider: string): TargetRouteState;
}

/** A Lingua server in front of one fake upstream per name (a provider of that name), with `models` and `routing`. */
async function world(names: string[], models: unknown[], routing: Record<string, unknown> = quick, providerFields: Record<string, unknown> = {}): Promise<World> {
  const up: Record<string, FaultyOpenAI> = {};
  const providers = [];
  for (const name of names) {
    up[name] = new FaultyOpenAI();
    providers.push({ name, type: 'openai', base_url: await up[name].start(), timeout_s: 2, ...providerFields });
  }
  const logs = new LogLines();
  const server = await startLingua({
    keys: [{ name: 'full', key: API_KEY }, { name: 'scoped', key: SCOPED_KEY, models: ['m', 'x'] }],
    providers,
    models,
    routing,
  }, [], { logger: logs.logger });
  const state = () => server.lingua.context.router.state();
  return {
    server, up, logs, state,
    target: (model, provider) => {
      const t = state().models.find((m) => m.name === model)?.targets.find((x) => x.provider === provider);
      assert.ok(t, `no target ${provider} of ${model}`);
      return t;
    },
  };
}

async function closeWorld(w: World): Promise<void> {
  await w.server.close();
  await Promise.all(Object.values(w.up).map((u) => u.close()));
}

/** Answers normally once `gate` resolves. */
function held(gate: Promise<void>): FaultAction {
  return async (req: RecordedRequest, res: ServerResponse) => {
    await gate;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion({ choices: [{ text: 'late' }] }, req)));
  };
}

const hello = 'Hello from the fake upstream.';

describe('targets and balancing', () => {
  test('weighted: every target of tier 1 serves; tier 2 only once tier 1 is down', async () => {
    const w = await world(['a', 'b', 'c'], [{ name: 'm', targets: [{ provider: 'a', model: 'up-a' }, { provider: 'b', model: 'up-b', weight: 2 }, { provider: 'c', model: 'up-c', tier: 2 }] }]);
    try {
      for (let i = 0; i < 30; i++) assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 200);
      assert.ok(w.up.a!.served > 0 && w.up.b!.served > 0, `a ${w.up.a!.served}, b ${w.up.b!.served}`);
      assert.equal(w.up.c!.requests.length, 0);
      assert.equal(w.up.a!.last.body.model, 'up-a');
      w.up.a!.failWith(statusFault(500), Infinity);
      w.up.b!.failWith(statusFault(503), Infinity);
      const answer = await ask(w.server.url, 'openai', { model: 'm', stream: true });
      assert.equal(answer.ended, 'complete');
      assert.equal(answer.text, hello);
      assert.equal(w.up.c!.served, 1);
      assert.equal(w.up.c!.last.body.model, 'up-c');
    } finally {
      await closeWorld(w);
    }
  });

  test('least_inflight: each request goes to the target with the fewest in flight; in-flight counts come back to 0', async () => {
    const w = await world(['a', 'b'], [{ name: 'm', strategy: 'least_inflight', targets: [{ provider: 'a' }, { provider: 'b' }] }]);
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      w.up.a!.failWith(held(gate), Infinity);
      w.up.b!.failWith(held(gate), Infinity);
      const pending = [];
      for (let i = 1; i <= 4; i++) {
        pending.push(ask(w.server.url, 'openai', { model: 'm', stream: false }));
        await until(() => w.up.a!.requests.length + w.up.b!.requests.length === i, `request ${i} upstream`);
      }
      assert.equal(w.up.a!.requests.length, 2);
      assert.equal(w.up.b!.requests.length, 2);
      assert.equal(w.target('m', 'a').inflight, 2);
      release();
      for (const a of await Promise.all(pending)) assert.equal(a.text, 'late');
      assert.equal(w.target('m', 'a').inflight, 0);
      assert.equal(w.target('m', 'b').inflight, 0);
    } finally {
      await closeWorld(w);
    }
  });

  test('lowest_latency: once both are measured, the faster target takes nearly every request', async () => {
    const w = await world(['slow', 'fast'], [{ name: 'm', strategy: 'lowest_latency', targets: [{ provider: 'slow' }, { provider: 'fast' }] }]);
    try {
      w.up.slow!.failWith(async (req, res) => {
        await new Promise((r) => setTimeout(r, 150));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion({ choices: [{ text: 'slow' }] }, req)));
      }, Infinity);
      // The first two requests measure each target once.
      for (let i = 0; i < 2; i++) await ask(w.server.url, 'openai', { model: 'm', stream: false });
      assert.equal(w.up.slow!.requests.length, 1);
      for (let i = 0; i < 20; i++) await ask(w.server.url, 'openai', { model: 'm', stream: false });
      assert.ok(w.up.fast!.requests.length >= 17, `fast served ${w.up.fast!.requests.length} of 21`);
      const slow = w.target('m', 'slow').ttftMs.whole!;
      const fast = w.target('m', 'fast').ttftMs.whole!;
      assert.ok(slow > fast, `slow ${slow} ms, fast ${fast} ms`);
      assert.equal(w.target('m', 'fast').ttftMs.stream, null, 'streaming and whole answers are measured apart');
    } finally {
      await closeWorld(w);
    }
  });
});

describe('retries', () => {
  let w: World;
  before(async () => {
    w = await world(['a', 'b'], [
      { name: 'm', provider: 'a', model: 'up-a' },
      { name: 'two', targets: [{ provider: 'a' }, { provider: 'b' }], max_retries: 0 },
      { name: 'many', provider: 'a', max_retries: 3 },
      { name: 'none', provider: 'a', retry_budget_s: 0 },
    ], { ...quick, max_retries: 2, retry_after_max_s: 10 });
  });
  after(() => closeWorld(w));

  test('a 503 twice, then served: three attempts, in the log line and the counters', async () => {
    const before = w.state();
    w.up.a!.failWith(statusFault(503), 2);
    const answer = await ask(w.server.url, 'anthropic', { model: 'm', stream: false });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, hello);
    assert.equal(w.up.a!.requests.length, 3);
    const [line] = await w.logs.waitForRequests(1);
    assert.equal(line!.attempts, 3);
    assert.equal(line!.provider, 'a');
    const retries = w.logs.lines.filter((l) => l.msg === 'routing: attempt failed before the first byte; retrying');
    assert.equal(retries.length, 2);
    assert.deepEqual(Object.keys(retries[0]!).filter((k) => ['model', 'target', 'status', 'attempt', 'delay_ms'].includes(k)).sort(), ['attempt', 'delay_ms', 'model', 'status', 'target']);
    assert.equal(retries[0]!.level, 40, 'logged at warn');
    assert.equal(retries[0]!.status, 503);
    assert.equal(retries[1]!.attempt, 3);
    const m = w.state().models.find((x) => x.name === 'm')!;
    assert.equal(m.counters.retries - before.models.find((x) => x.name === 'm')!.counters.retries, 2);
    assert.equal(m.targets[0]!.counters.failures, 2);
  });

  test("the upstream's retry-after and retry-after-ms are waited for; one past retry_after_max_s is not (the 429 is answered with it)", async () => {
    const start = w.up.a!.requests.length;
    w.up.a!.failWith(statusFault(429, { 'retry-after': '0' }), 1);
    assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: true })).ended, 'complete');
    w.up.a!.failWith(statusFault(429, { 'retry-after-ms': '30' }), 1);
    assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 200);
    assert.equal(w.up.a!.requests.length - start, 4);
    w.up.a!.failWith(statusFault(429, { 'retry-after': '600' }), 1);
    const refused = await ask(w.server.url, 'openai', { model: 'm', stream: false });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '600');
    assert.equal(w.up.a!.requests.length - start, 5);
  });

  for (const [status, answered] of [[400, 400], [404, 404], [422, 422], [501, 502], [505, 502]] as const) {
    test(`an upstream ${status} is never retried (answered ${answered})`, async () => {
      const start = w.up.a!.requests.length;
      w.up.a!.failWith(statusFault(status), Infinity);
      try {
        for (const stream of [false, true]) {
          const answer = await ask(w.server.url, 'envelope', { model: 'm', stream });
          assert.equal(answer.status, answered);
          assert.equal(answer.ended, 'error');
        }
        assert.equal(w.up.a!.requests.length - start, 2);
      } finally {
        w.up.a!.heal();
      }
    });
  }

  test('max_retries and retry_budget_s bound the attempts; another target is tried at once, whatever max_retries', async () => {
    w.up.a!.failWith(statusFault(500), Infinity);
    try {
      let start = w.up.a!.requests.length;
      assert.equal((await ask(w.server.url, 'openai', { model: 'many', stream: false })).status, 502);
      assert.equal(w.up.a!.requests.length - start, 4, 'max_retries 3: four attempts');
      start = w.up.a!.requests.length;
      assert.equal((await ask(w.server.url, 'openai', { model: 'none', stream: false })).status, 502);
      assert.equal(w.up.a!.requests.length - start, 1, 'retry_budget_s 0: one attempt');
      for (let i = 0; i < 5; i++) {
        const answer = await ask(w.server.url, 'openai', { model: 'two', stream: i % 2 === 0 });
        assert.equal(answer.ended, 'complete', 'b serves when a fails, with max_retries 0');
      }
    } finally {
      w.up.a!.heal();
    }
  });

  test('a client that leaves while a retry waits stops the retries at once (a 499)', async () => {
    const start = w.up.a!.requests.length;
    w.up.a!.failWith(statusFault(503, { 'retry-after': '5' }), 1);
    const abort = new AbortController();
    const asked = ask(w.server.url, 'openai', { model: 'm', stream: true, signal: abort.signal }).catch((e: unknown) => e);
    await until(() => w.logs.lines.some((l) => l.msg === 'routing: attempt failed before the first byte; retrying' && l.delay_ms === 5000), 'the retry to wait');
    const lines = w.logs.requests.length;
    abort.abort();
    await asked;
    await until(() => w.logs.requests.length > lines, 'the request to end', 2000);
    assert.equal(w.logs.requests.at(-1)!.status, 499);
    assert.equal(w.up.a!.requests.length - start, 1, 'no attempt after the client left');
  });

  test('a failure after the first batch is not retried: the stream ends with an error frame', async () => {
    const start = w.up.a!.requests.length;
    w.up.a!.failWith((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model };
      res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Partial' }, finish_reason: null }] })}\n\n`);
      setTimeout(() => res.end(), 20);
    }, 1);
    for (const protocol of ['openai', 'anthropic'] as const) {
      w.up.a!.failWith(w.up.a!.fault!, 1);
      const answer = await ask(w.server.url, protocol, { model: 'm', stream: true });
      assert.equal(answer.status, 200);
      assert.equal(answer.text, 'Partial');
      assert.equal(answer.ended, 'error');
    }
    assert.equal(w.up.a!.requests.length - start, 2);
  });
});

describe('fallbacks', () => {
  let w: World;
  before(async () => {
    w = await world(['a', 'b', 'c', 'big', 'x'], [
      { name: 'm', provider: 'a', fallbacks: ['f1', 'f2'], context_fallbacks: ['large'] },
      { name: 'f1', provider: 'b' },
      { name: 'f2', provider: 'c' },
      { name: 'large', provider: 'big' },
      { name: 'x', provider: 'x' },
      { name: 'y', provider: 'x', model: 'up-y' },
    ], { ...quick, max_retries: 1 });
  });
  after(() => closeWorld(w));

  test('fallbacks are tried in order when every target failed; the one that serves is in the log line', async () => {
    w.up.a!.failWith(statusFault(500), Infinity);
    w.up.b!.failWith(statusFault(503), Infinity);
    try {
      for (const protocol of ['openai', 'anthropic', 'envelope'] as const) {
        const answer = await ask(w.server.url, protocol, { model: 'm', stream: protocol !== 'envelope' });
        assert.equal(answer.text, hello);
      }
      assert.equal(w.up.c!.served, 3);
      assert.equal(w.up.a!.requests.length, 6, 'two attempts on m (max_retries 1)');
      assert.equal(w.up.b!.requests.length, 6);
      const lines = await w.logs.waitForRequests(3);
      assert.ok(lines.every((l) => l.provider === 'c' && l.attempts === 5 && l.model === 'm'), JSON.stringify(lines));
      const counters = (name: string) => w.state().models.find((m) => m.name === name)!.counters;
      assert.equal(counters('m').fallbacks, 3);
      assert.equal(counters('f1').fallbacks, 3);
      assert.equal(w.state().totals.fallbacks, 6);
      assert.equal(w.up.big!.requests.length, 0, 'context fallbacks are for context-length errors only');
    } finally {
      w.up.a!.heal();
      w.up.b!.heal();
    }
  });

  const tooLong: Array<[string, FaultAction]> = [
    ['OpenAI (code context_length_exceeded)', (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'This request is too big.', type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } }));
    }],
    ['vLLM (the words only)', statusFault(400, {}, "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.")],
    ["llama.cpp's server (exceed_context_size_error)", (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 400, message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } }));
    }],
  ];
  for (const [who, fault] of tooLong) {
    test(`a context-length error from ${who} goes to context_fallbacks, not fallbacks`, async () => {
      const start = w.up.a!.requests.length;
      w.up.a!.failWith(fault, 1);
      const answer = await ask(w.server.url, 'openai', { model: 'm', stream: true });
      assert.equal(answer.ended, 'complete');
      assert.equal(w.up.a!.requests.length - start, 1, 'not retried');
      assert.equal(w.up.big!.last.body.model, 'large');
    });
  }

  test('without context_fallbacks, a context-length error is answered as a 400 coded context_length_exceeded', async () => {
    w.up.x!.failWith(tooLong[1]![1], 1);
    const res = await fetch(`${w.server.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    assert.equal(res.status, 400);
    const body = await res.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'context_length_exceeded');
    assert.match(body.error.message, /maximum context length/);
  });

  test("a request's own `models` are tried in order after `model`, in place of its fallbacks, and never reach an upstream", async () => {
    w.up.a!.failWith(statusFault(500), Infinity);
    try {
      const answer = await ask(w.server.url, 'openai', { model: 'm', stream: false, extra: { models: ['m', 'y', 'x'] } });
      assert.equal(answer.status, 200);
      assert.equal(w.up.x!.last.body.model, 'up-y');
      assert.equal('models' in w.up.x!.last.body, false);
      assert.equal('models' in w.up.a!.last.body, false);
      assert.equal(w.up.b!.requests.length, 6, 'the configured fallbacks were not used');
      const ok = await ask(w.server.url, 'openai', { model: 'x', stream: true, extra: { models: ['y'] } });
      assert.equal(ok.ended, 'complete');
      assert.equal('models' in w.up.x!.last.body, false, 'taken out even when the first model serves');
    } finally {
      w.up.a!.heal();
    }
  });

  test("each of a request's `models` must exist (404) and be allowed to the key (403); the field must be a list of names (400)", async () => {
    const start = Object.values(w.up).reduce((n, u) => n + u.requests.length, 0);
    const missing = await ask(w.server.url, 'openai', { model: 'm', stream: false, extra: { models: ['nope'] } });
    assert.equal(missing.status, 404);
    assert.match(missing.error!.message, /'nope' in 'models'/);
    const forbidden = await ask(w.server.url, 'envelope', { model: 'm', stream: true, key: SCOPED_KEY, extra: { models: ['x', 'y'] } });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.error!.message, /'y'/);
    const allowed = await ask(w.server.url, 'openai', { model: 'm', stream: false, key: SCOPED_KEY, extra: { models: ['x'] } });
    assert.equal(allowed.status, 200);
    for (const models of ['x', [1], [''], Array(9).fill('x')]) {
      const bad = await ask(w.server.url, 'openai', { model: 'm', stream: false, extra: { models } });
      assert.equal(bad.status, 400, JSON.stringify(models));
    }
    assert.equal(Object.values(w.up).reduce((n, u) => n + u.requests.length, 0) - start, 1, 'only the allowed request reached a backend');
  });
});

describe('context fallbacks for an Anthropic upstream', () => {
  test('"prompt is too long" from an Anthropic upstream goes to context_fallbacks', async () => {
    const anthropic = new FakeAnthropic();
    anthropic.handler = (_req, res) => sendError(res, 400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum');
    const big = new FaultyOpenAI();
    const server = await startLingua({
      keys: [{ name: 'full', key: API_KEY }],
      providers: [
        { name: 'claude', type: 'anthropic', base_url: await anthropic.start(), api_key: 'k' },
        { name: 'big', type: 'openai', base_url: await big.start() },
      ],
      models: [{ name: 'm', provider: 'claude', context_fallbacks: ['large'] }, { name: 'large', provider: 'big' }],
      routing: quick,
    });
    try {
      for (const stream of [false, true]) {
        const answer = await ask(server.url, 'anthropic', { model: 'm', stream });
        assert.equal(answer.text, hello);
      }
      assert.equal(anthropic.requests.filter((r) => r.path.endsWith('/messages')).length, 2, 'not retried');
      assert.equal(server.lingua.context.router.state().models[0]!.counters.contextFallbacks, 2);
    } finally {
      await server.close();
      await anthropic.close();
      await big.close();
    }
  });
});

describe('cooldowns', () => {
  const cooldown = (c: Record<string, unknown>) => ({ ...quick, max_retries: 3, cooldown: c });

  test('failures in the window cool a target: skipped while cooling, then one probe, whose success makes it healthy', async () => {
    const w = await world(['a', 'b'], [{ name: 'm', targets: [{ provider: 'a' }, { provider: 'b' }] }], cooldown({ failures: 2, window_s: 60, duration_s: 1.5 }));
    try {
      w.up.a!.failWith(statusFault(500), Infinity);
      while (w.target('m', 'a').health === 'healthy') assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 200);
      const cooled = w.target('m', 'a');
      assert.equal(cooled.health, 'cooling');
      assert.ok(cooled.cooldownUntil! > Date.now());
      assert.equal(cooled.counters.cooldownsOpened, 1);
      assert.equal(cooled.counters.failures, 2);
      assert.equal(w.state().models[0]!.usable, true);
      const seen = w.up.a!.requests.length;
      // Requests that start well inside the cooldown (a loaded machine may
      // take longer than the cooldown for all ten): none reaches the target.
      let sent = 0;
      while (sent < 10 && Date.now() < cooled.cooldownUntil! - 300) {
        assert.equal((await ask(w.server.url, 'anthropic', { model: 'm', stream: true })).ended, 'complete');
        sent++;
      }
      assert.ok(sent > 0, 'no request was made while the target cooled');
      assert.equal(w.up.a!.requests.length, seen, 'a cooling target gets no request');
      w.up.a!.heal();
      await until(() => w.target('m', 'a').health === 'half_open', 'the cooldown to end', 10_000);
      while (w.up.a!.served === 0) await ask(w.server.url, 'openai', { model: 'm', stream: false });
      assert.equal(w.target('m', 'a').health, 'healthy', 'the probe closed it');
      assert.ok(w.logs.lines.some((l) => l.msg === 'routing: target cooling down after repeated failures' && l.target === 'a/m'));
    } finally {
      await closeWorld(w);
    }
  });

  test('a fallback deployment that fails cools down too (LiteLLM #32574)', async () => {
    const w = await world(['a', 'b', 'c'], [
      { name: 'm', provider: 'a', fallbacks: ['f', 'g'] }, { name: 'f', provider: 'b' }, { name: 'g', provider: 'c' },
    ], cooldown({ failures: 2, window_s: 60, duration_s: 60 }));
    try {
      w.up.a!.failWith(statusFault(503), Infinity);
      w.up.b!.failWith(statusFault(502), Infinity);
      assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 200);
      assert.equal(w.target('m', 'a').health, 'cooling');
      assert.equal(w.target('f', 'b').health, 'cooling');
      assert.equal(w.up.b!.requests.length, 2, 'the fallback was not retried once it cooled');
      assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: true })).ended, 'complete');
      assert.equal(w.up.a!.requests.length + w.up.b!.requests.length, 4, 'both skipped while cooling');
      assert.equal(w.state().totals.cooldownsOpened, 2);
    } finally {
      await closeWorld(w);
    }
  });

  test('a cooling target is never picked by a retry (new-api #2899)', async () => {
    const w = await world(['a', 'b'], [{ name: 'm', targets: [{ provider: 'a' }, { provider: 'b' }] }], cooldown({ failures: 3, window_s: 60, duration_s: 60 }));
    try {
      w.up.a!.failWith(statusFault(500), Infinity);
      while (w.target('m', 'a').health !== 'cooling') await ask(w.server.url, 'openai', { model: 'm', stream: false });
      const seen = w.up.a!.requests.length;
      w.up.b!.failWith(statusFault(503), 2);
      assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: true })).ended, 'complete');
      assert.equal(w.up.a!.requests.length, seen);
      assert.equal(w.target('m', 'b').counters.retries, 2);
    } finally {
      await closeWorld(w);
    }
  });

  test('with every target cooling, the request is tried once, without retries, on the one that recovers first', async () => {
    const w = await world(['a'], [{ name: 'm', provider: 'a' }], cooldown({ failures: 2, window_s: 60, duration_s: 60 }));
    try {
      w.up.a!.failWith(statusFault(500), Infinity);
      assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 502);
      assert.equal(w.up.a!.requests.length, 2, 'the retry that opened the breaker was the last');
      assert.equal(w.target('m', 'a').health, 'cooling');
      assert.equal((await ask(w.server.url, 'anthropic', { model: 'm', stream: true })).status, 502);
      assert.equal(w.up.a!.requests.length, 3);
      w.up.a!.heal();
      assert.equal((await ask(w.server.url, 'openai', { model: 'm', stream: false })).status, 200);
      assert.ok(w.logs.lines.some((l) => l.msg === 'routing: every target is cooling down; trying the one that recovers first, once'));
    } finally {
      await closeWorld(w);
    }
  });
});
