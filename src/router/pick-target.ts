import type { Deployment } from './model-entry.js';
import type { Strategy } from './routing-config.js';

/** How often `lowest_latency` sends a request to another target than the fastest, so that its figure stays current. */
const EXPLORE = 0.05;

/**
 * One of `candidates` (a tier's usable targets, never empty) by the model's
 * strategy:
 * - `weighted`: at random, in proportion to the weights;
 * - `least_inflight`: the fewest requests in flight (ties: weighted);
 * - `lowest_latency`: the lowest EWMA of time to first batch for this kind
 *   of call (streaming or not); a target with no figure yet is tried first,
 *   and 5% of requests go to another target, at random, to keep figures fresh.
 */
export function pickTarget(candidates: readonly Deployment[], strategy: Strategy, stream: boolean, random: () => number): Deployment {
  if (candidates.length === 1) return candidates[0]!;
  switch (strategy) {
    case 'weighted':
      return weighted(candidates, random);
    case 'least_inflight': {
      const least = Math.min(...candidates.map((d) => d.health.inflight));
      return weighted(candidates.filter((d) => d.health.inflight === least), random);
    }
    case 'lowest_latency': {
      const unmeasured = candidates.filter((d) => d.health.latency(stream) === undefined);
      if (unmeasured.length > 0) return weighted(unmeasured, random);
      let best = candidates[0]!;
      for (const d of candidates) if (d.health.latency(stream)! < best.health.latency(stream)!) best = d;
      if (random() >= EXPLORE) return best;
      return weighted(candidates.filter((d) => d !== best), random);
    }
  }
}

function weighted(candidates: readonly Deployment[], random: () => number): Deployment {
  if (candidates.length === 1) return candidates[0]!;
  let total = 0;
  for (const d of candidates) total += d.weight;
  let r = random() * total;
  for (const d of candidates) {
    r -= d.weight;
    if (r < 0) return d;
  }
  return candidates[candidates.length - 1]!;
}
