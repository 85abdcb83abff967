import type { ScopeState, WindowState } from './limiter.js';

/**
 * Of several scopes limiting the same thing, the one a caller should be
 * shown (in rate-limit headers): the fewest remaining, then the longest reset.
 * Undefined when no scope limits `kind`.
 */
export function mostConstraining(states: readonly ScopeState[], kind: 'requests' | 'tokens'): WindowState | undefined {
  let best: WindowState | undefined;
  for (const s of states) {
    const w = s[kind];
    if (w === undefined) continue;
    if (best === undefined || w.remaining < best.remaining || (w.remaining === best.remaining && w.resetMs > best.resetMs)) best = w;
  }
  return best;
}

/** The `retry-after` of a refusal, in whole seconds (at least 1), as LinguaError's `retryAfter` takes it. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
