import assert from 'node:assert/strict';
import { test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { RowStatements } from '../../src/storage/row-statements.js';

interface T { t: { a: number; b: string | null; c: number } }

test('rows go in power-of-two chunks under the parameter limit, each size compiled once, values in column order', async () => {
  const database = new SqliteDatabase(':memory:');
  database.exec('create table t (a integer, b text, c integer)');
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database }) });
  let compiled = 0;
  const rows = new RowStatements(['a', 'b', 'c'], (objects) => {
    compiled++;
    return db.insertInto('t').values(objects as Array<T['t']>).compile();
  });
  const values = (n: number, from = 0) => Array.from({ length: n }, (_, i) => [from + i, i % 3 ? `s${i}` : null, i * 2]);

  const first = [...rows.statements(values(50))];
  assert.deepEqual(first.map((s) => s.parameters.length / 3), [32, 16, 2]);
  assert.equal(compiled, 3);
  const again = [...rows.statements(values(34, 50))];
  assert.deepEqual(again.map((s) => s.parameters.length / 3), [32, 2]);
  assert.equal(compiled, 3, 'sizes seen before are not compiled again');
  for (const s of [...first, ...again]) database.prepare(s.sql).run(...s.parameters);
  const stored = database.prepare('select a, b, c from t order by a').raw().all();
  assert.deepEqual(stored, [...values(50), ...values(34, 50)]);

  const big = [...rows.statements(values(20_000))];
  assert.ok(big.every((s) => s.parameters.length <= 32_000));
  assert.equal(big[0]!.parameters.length / 3, 8192, 'the largest power of two under 32,000 parameters');
  assert.equal(big.reduce((n, s) => n + s.parameters.length / 3, 0), 20_000);
  await db.destroy();
});
