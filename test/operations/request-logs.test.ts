import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startLingua, type TestServer } from '../support/lingua.js';
import { LogLines } from '../support/log-lines.js';

describe('one request log line for each request Fastify serves', () => {
  const log = new LogLines();
  let server: TestServer;
  before(async () => { server = await startLingua({}, [], { logger: log.logger }); });
  after(() => server.close());

  test('a health probe and an unknown path: one line each, with id, path and status', async () => {
    const r = await fetch(`${server.url}/health/ready?probe=1`, { headers: { 'x-request-id': 'probe-1' } });
    assert.equal(r.status, 200);
    assert.equal((await fetch(`${server.url}/no/such/path`, { headers: { 'x-request-id': 'lost-1' } })).status, 404);
    const lines = await log.waitForRequests(2, (l) => l.reqId === 'probe-1' || l.reqId === 'lost-1');
    assert.deepEqual(lines.map((l) => [l.reqId, l.method, l.path, l.status]), [['probe-1', 'GET', '/health/ready', 200], ['lost-1', 'GET', '/no/such/path', 404]]);
    assert.equal(typeof lines[0]!.ms, 'number');
  });

  test('a client that hangs up before its answer is a 499 line', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // A body promised and never sent: Fastify waits for it, then the client leaves.
    socket.write('POST /admin/accounts HTTP/1.1\r\nhost: 127.0.0.1\r\nx-request-id: gone-1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"na');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const [line] = await log.waitForRequests(1, (l) => l.reqId === 'gone-1');
    assert.deepEqual([line!.path, line!.status], ['/admin/accounts', 499]);
    assert.equal(log.requests.filter((l) => l.reqId === 'gone-1').length, 1);
  });
});
