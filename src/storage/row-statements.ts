import type { CompiledQuery } from 'kysely';

/** Bound parameters per statement: under SQLite's 32,766 (and PostgreSQL's 65,535). */
const MAX_PARAMS = 32_000;

export interface Statement {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * A multi-row statement (INSERT … VALUES (…), (…) …) run in chunks of a
 * power of two rows, the largest under the parameter limit first: a batch
 * of 50 is 32 + 16 + 2 rows. Rows are arrays of values in `columns` order.
 * Kysely compiles each chunk size once (from rows as objects); later
 * chunks of that size reuse its SQL text with the values as they are,
 * which skips Kysely's per-row work (most of a batch's CPU) and lets
 * SQLite keep the few prepared statements (dialect.ts).
 */
export class RowStatements {
  readonly #columns: readonly string[];
  readonly #compile: (rows: Array<Record<string, unknown>>) => CompiledQuery;
  readonly #texts = new Map<number, string>();
  readonly #maxRows: number;

  constructor(columns: readonly string[], compile: (rows: Array<Record<string, unknown>>) => CompiledQuery) {
    this.#columns = columns;
    this.#compile = compile;
    this.#maxRows = 2 ** Math.floor(Math.log2(MAX_PARAMS / columns.length));
  }

  /** The statements that write `rows`. */
  *statements(rows: ReadonlyArray<readonly unknown[]>): Generator<Statement> {
    const width = this.#columns.length;
    for (let i = 0; i < rows.length;) {
      const n = Math.min(this.#maxRows, 2 ** Math.floor(Math.log2(rows.length - i)));
      // The rows' values one after the other, copied by hand: Array.prototype.flat
      // costs ~0.1 µs per value, which made it the ledger's largest cost after SQLite's own.
      const parameters: unknown[] = new Array(n * width);
      for (let r = 0, p = 0; r < n; r++) {
        const row = rows[i + r]!;
        for (let k = 0; k < width; k++) parameters[p++] = row[k];
      }
      const from = i;
      i += n;
      let sql = this.#texts.get(n);
      if (sql === undefined) {
        const chunk = rows.slice(from, from + n);
        const compiled = this.#compile(chunk.map((values) => Object.fromEntries(this.#columns.map((c, k) => [c, values[k]]))));
        if (!sameValues(compiled.parameters, parameters)) {
          throw new Error(`storage: Kysely's parameters for ${this.#columns.join(', ')} are not the rows' values in column order`);
        }
        this.#texts.set(n, (sql = compiled.sql));
      }
      yield { sql, parameters };
    }
  }
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
