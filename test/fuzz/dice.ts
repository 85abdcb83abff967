import { mulberry32 } from '../../src/providers/llama-cpp/gguf/random-model.js';

/** Seeded choices: the same seed makes the same choices. */
export class Dice {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.#next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('nothing to pick from');
    return items[this.int(items.length)]!;
  }

  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: ReadonlyArray<readonly [weight: number, value: T]>): T {
    let roll = this.#next() * choices.reduce((sum, [w]) => sum + w, 0);
    for (const [w, value] of choices) {
      roll -= w;
      if (roll < 0) return value;
    }
    return choices.at(-1)![1];
  }
}

/** The seed of one case: its run's seed, its endpoint and its number, so that any case can be made again alone. */
export function caseSeed(seed: number, endpoint: string, index: number): number {
  // FNV-1a over the three.
  let h = 0x811c9dc5;
  for (const c of `${seed}:${endpoint}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** The run's seed: LINGUA_FUZZ_SEED when set (to replay a failure), else a new one. */
export function runSeed(): number {
  const given = process.env.LINGUA_FUZZ_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`LINGUA_FUZZ_SEED must be an integer from 0 to 2^32-1, not '${given}'`);
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}
