import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/lib/logger.js';
import { openStorage } from '../../src/storage/index.js';
import { runCli } from '../support/cli-process.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { until } from '../support/until.js';

/**
 * The ledger's promise, end to end: a real `lingua serve` process under a
 * steady load is killed with SIGKILL; every request whose response had
 * completed more than 200 ms before the kill is in the ledger afterwards.
 */
async function killedUnderLoad(databaseUrl: string | undefined): Promise<void> {
  const upstream = new FakeOpenAI();
  const baseUrl = await upstream.start();
  const dir = await mkdtemp(join(tmpdir(), 'lingua-durability-'));
  try {
    const file = join(dir, 'lingua.yaml');
    await writeFile(file, [
      `server: { host: 127.0.0.1, port: 0, data_dir: "${dir}", log_level: warn }`,
      ...(databaseUrl === undefined ? [] : [`database_url: "${databaseUrl}"`]),
      'providers:',
      `  - { name: up, type: openai, base_url: "${baseUrl}" }`,
      'models:',
      '  - { name: m1, provider: up }',
    ].join('\n'));
    const run = runCli(['serve', '--config', file]);
    const [, url] = await run.waitFor(/Lingua listening on (http:\/\/127\.0\.0\.1:\d+)/);

    const completed: Array<{ id: string; at: number }> = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const id = `durable-${w}-${i}`;
        try {
          const res = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-request-id': id },
            body: JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'hi' }] }),
          });
          await res.arrayBuffer();
          if (res.status === 200) completed.push({ id, at: Date.now() });
        } catch {
          return; // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    // Enough completed requests before the kill, however slow the machine; then a moment of load in full flow.
    await until(() => completed.length >= 100, '100 completed requests', 30_000);
    await sleep(500);
    run.child.kill('SIGKILL');
    const killedAt = Date.now();
    stop = true;
    await Promise.all(workers);
    await run.exited;

    const due = completed.filter((c) => c.at < killedAt - 200).map((c) => c.id);
    assert.ok(due.length > 20, `only ${due.length} requests completed before the kill`);
    const storage = await openStorage({ ...(databaseUrl === undefined ? {} : { databaseUrl }), dataDir: dir, logger: createLogger('silent') });
    try {
      const kept = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await storage.usage.requests({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
        for (const r of page.rows) kept.add(r.requestId);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const lost = due.filter((id) => !kept.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${due.length} completed requests lost`);
    } finally {
      await storage.close();
    }
  } finally {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const postgresSkipped = await postgresSkip();

describe('usage records survive kill -9', () => {
  test('SQLite (the default)', async () => {
    await killedUnderLoad(undefined);
  });

  const schemas: Array<{ drop(): Promise<void> }> = [];
  after(async () => { for (const s of schemas) await s.drop(); });
  test('PostgreSQL', { skip: postgresSkipped }, async () => {
    const schema = await freshPostgresSchema();
    schemas.push(schema);
    await killedUnderLoad(schema.url);
  });
});
