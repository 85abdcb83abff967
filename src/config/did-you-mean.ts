/** Levenshtein distance: the fewest one-character insertions, deletions and substitutions from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  // One row of the table at a time: row[j] is the distance from a[0..i) to b[0..j).
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(substitute, row[j]! + 1, next[j - 1]! + 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The most edits between a mistyped key and the key it is taken for. */
const MAX_DISTANCE = 2;

/**
 * The known key `word` is most likely a typo of (`base_ulr` → `base_url`),
 * if one is within two edits, case aside. A word of two letters or fewer is
 * within two edits of every short key, so it must be closer than its length.
 */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= MAX_DISTANCE && d < word.length) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
