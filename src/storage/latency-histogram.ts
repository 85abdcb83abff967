/**
 * Fixed log-scale histogram buckets for latency and time to first token,
 * so that rollups can answer p50/p95 without raw rows. Bucket 0 holds
 * [0, 1) ms; bucket b (1 ≤ b ≤ 40) holds [2^((b-1)/2), 2^(b/2)) ms, a
 * factor of √2 wide; bucket 41 holds everything from 2^20 ms (17.5 min) up.
 * A quantile is interpolated inside its bucket (geometrically), so it is
 * within a factor of √2 of the true value, and usually much closer.
 */
export const HISTOGRAM_BUCKETS = 42;
const LAST = HISTOGRAM_BUCKETS - 1;

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  const b = 1 + Math.floor(2 * Math.log2(ms));
  return b >= LAST ? LAST : b;
}

/** The lower edge of bucket `b`, in ms. */
export function bucketFloor(b: number): number {
  return b === 0 ? 0 : 2 ** ((b - 1) / 2);
}

/** The `q` quantile (0 < q ≤ 1) of the counts per bucket, in whole ms; null with no counts. */
export function quantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b]!;
  if (total === 0) return null;
  const target = q * total;
  let below = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    if (c > 0 && below + c >= target) {
      const f = Math.min(1, Math.max(0, (target - below) / c));
      if (b === 0) return Math.round(f);
      const lo = bucketFloor(b);
      if (b === LAST) return Math.round(lo);
      return Math.round(lo * Math.SQRT2 ** f);
    }
    below += c;
  }
  return Math.round(bucketFloor(LAST));
}
