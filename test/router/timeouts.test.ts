import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';
import { API_KEY, ask, FaultyOpenAI } from './routing-fixture.js';

/**
 * A port where connections hang: a listener that never accepts (a Python
 * child, as Node accepts by itself), its backlog filled by one connection.
 */
async function blackHole(): Promise<{ port: number; close(): void }> {
  const child: ChildProcess = spawn('python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)"]);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('error', reject);
  });
  const filler: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => filler.once('connect', resolve));
  return { port, close: () => { filler.destroy(); child.kill(); } };
}

describe('upstream timeouts (connect, first byte, idle, total): 504s that are retried', () => {
  let hole: Awaited<ReturnType<typeof blackHole>>;
  let good: FaultyOpenAI;
  let slow: FaultyOpenAI;
  let server: TestServer;
  const logs = new LogLines();

  before(async () => {
    hole = await blackHole();
    good = new FaultyOpenAI();
    slow = new FaultyOpenAI();
    const slowUrl = await slow.start();
    const dead = { type: 'openai', base_url: `http://127.0.0.1:${hole.port}/v1`, connect_timeout_s: 0.2 };
    server = await startLingua({
      keys: [{ name: 'k', key: API_KEY }],
      providers: [
        { name: 'dead', ...dead },
        { name: 'good', type: 'openai', base_url: await good.start() },
        { name: 'slow', type: 'openai', base_url: slowUrl, timeout_s: 0.3, stream_idle_timeout_s: 0.3 },
        { name: 'capped', type: 'openai', base_url: slowUrl, total_timeout_s: 0.6 },
      ],
      models: [
        // undici checks connect timeouts to about a second: one attempt is enough here.
        { name: 'dead', provider: 'dead', max_retries: 0 },
        { name: 'rescued', targets: [{ provider: 'dead' }, { provider: 'good', tier: 2 }] },
        { name: 'slow', provider: 'slow' },
        { name: 'capped', provider: 'capped' },
      ],
      routing: { max_retries: 1, backoff_base_ms: 1, backoff_max_ms: 5, cooldown: { failures: 0 } },
    }, [], { logger: logs.logger });
  });
  after(async () => {
    await server.close();
    await good.close();
    await slow.close();
    hole.close();
  });

  test('no connection within connect_timeout_s: a 504 saying so; another tier serves', async () => {
    const answer = await ask(server.url, 'openai', { model: 'dead', stream: true });
    assert.equal(answer.status, 504);
    assert.match(answer.error!.message, /did not accept a connection within 0\.2 s/);
    const [line] = await logs.waitForRequests(1, (l) => l.model === 'dead');
    assert.equal(line!.attempts, 1);
    const rescued = await ask(server.url, 'anthropic', { model: 'rescued', stream: false });
    assert.equal(rescued.status, 200);
    assert.equal(good.served, 1);
  });

  test('no answer within timeout_s: retried, then a 504 in the caller\'s shape', async () => {
    slow.failWith(() => {}, Infinity); // never answers
    try {
      for (const stream of [false, true]) {
        const answer = await ask(server.url, 'envelope', { model: 'slow', stream });
        assert.equal(answer.status, 504);
        assert.match(answer.error!.message, /did not (answer|finish the call) within/);
      }
      assert.equal(slow.requests.length, 4);
    } finally {
      slow.heal();
    }
  });

  test('a stream silent past stream_idle_timeout_s after its first chunk ends with an error frame (no retry after the first byte)', async () => {
    const start = slow.requests.length;
    slow.failWith((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'Tick' }, finish_reason: null }] })}\n\n`);
    }, 1);
    const answer = await ask(server.url, 'anthropic', { model: 'slow', stream: true });
    assert.equal(answer.text, 'Tick');
    assert.equal(answer.ended, 'error');
    assert.match(answer.error!.message, /within 0\.3 s/);
    assert.equal(slow.requests.length - start, 1);
  });

  test('a stream that drips past total_timeout_s is ended with an error frame naming it', async () => {
    slow.failWith(async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      while (!res.destroyed) {
        res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: '.' }, finish_reason: null }] })}\n\n`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }, 1);
    const answer = await ask(server.url, 'openai', { model: 'capped', stream: true });
    assert.equal(answer.status, 200);
    assert.ok(answer.text.length > 1, answer.text);
    assert.equal(answer.ended, 'error');
    assert.match(answer.error!.message, /did not finish the call within 0\.6 s/);
  });
});
