import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { freshPostgresSchema, postgresSkip } from '../support/services.js';
import { until } from '../support/until.js';
import { capturedLogger, HOUR } from './support/records.js';

const child = fileURLToPath(new URL('./support/ledger-child.js', import.meta.url));
/** The promise: what was handed to record() this long before a kill -9 is in the database after restart. */
const PROMISE_MS = 200;
const skipPostgres = await postgresSkip();

/**
 * Runs the child against the database, kills it with SIGKILL while it is
 * handing over records at full speed, reopens the database and checks
 * every record handed over at least PROMISE_MS before the kill. The
 * child's "handed over N" lines are timed when this process reads them,
 * which is after the child handed those records over: the check errs on
 * the strict side.
 */
async function killAndCheck(t: TestContext, databaseUrl: string, dataDir: string): Promise<void> {
  const proc = spawn(process.execPath, [child, databaseUrl, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const reports: Array<{ at: number; handed: number }> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => reports.push({ at: performance.now(), handed: Number(line) }));
  const exited = once(proc, 'exit');
  await until(() => reports.length > 0 && reports.at(-1)!.handed >= 5000 && performance.now() - reports[0]!.at >= 1000, 'the child handing over records', 30_000);
  const killedAt = performance.now();
  proc.kill('SIGKILL');
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');

  const promised = reports.filter((r) => r.at <= killedAt - PROMISE_MS).at(-1)?.handed ?? 0;
  const lastSeen = reports.at(-1)!.handed;
  const s: Storage = await openStorage({ ...(databaseUrl !== '' && { databaseUrl }), dataDir, logger: capturedLogger().logger });
  try {
    const rows = await s.db.selectFrom('usage_records').select('request_id').where('key_id', '=', 'kill').execute();
    const stored = new Set(rows.map((r) => r.request_id));
    const missing: string[] = [];
    for (let i = 0; i < promised; i++) if (!stored.has(`r${i}`)) missing.push(`r${i}`);
    t.diagnostic(`${s.dialect}: handed over ${lastSeen}+ in all, ${promised} of them ≥ ${PROMISE_MS} ms before the kill; ${stored.size} in the database`);
    assert.ok(promised > 0);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} records handed over ≥ ${PROMISE_MS} ms before the kill are missing`);
    // Records and rollups were committed together: the kill left no half-written batch.
    const [summary] = await s.usage.summary({ from: 0, to: Date.now() + HOUR, keyId: 'kill', groupBy: 'key' });
    assert.equal(summary?.requests, stored.size);
    assert.equal(summary?.cost, stored.size);
  } finally {
    await s.close();
  }
}

describe('the ledger after kill -9', () => {
  test('SQLite: every record handed over 200 ms before the kill is in the database', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lingua-kill-'));
    try {
      await killAndCheck(t, '', dataDir);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('PostgreSQL: every record handed over 200 ms before the kill is in the database', { skip: skipPostgres }, async (t) => {
    const schema = await freshPostgresSchema();
    try {
      await killAndCheck(t, schema.url, '/nonexistent');
    } finally {
      await schema.drop();
    }
  });
});
