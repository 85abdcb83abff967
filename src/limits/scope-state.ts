import type { LimitScope, ScopeState } from './limiter.js';

/** A scope's figures for the headers, from what its windows hold (only the limits it has). */
export function scopeState(
  scope: LimitScope, requestsUsed: number, requestsResetMs: number, tokensUsed: number, tokensResetMs: number, inFlight: number,
): ScopeState {
  const state: { id: string; requests?: ScopeState['requests']; tokens?: ScopeState['tokens']; concurrency?: ScopeState['concurrency'] } = { id: scope.id };
  if (scope.rpm !== undefined) state.requests = { limit: scope.rpm, remaining: Math.max(0, scope.rpm - requestsUsed), resetMs: requestsResetMs };
  if (scope.tpm !== undefined) state.tokens = { limit: scope.tpm, remaining: Math.max(0, scope.tpm - tokensUsed), resetMs: tokensResetMs };
  if (scope.maxConcurrency !== undefined) state.concurrency = { limit: scope.maxConcurrency, inFlight };
  return state;
}

/**
 * Of two refusals, whether the candidate is the one to report: a request
 * over a limit on its own first (waiting will not help), else the one that
 * frees last (the earliest time the request could pass everywhere).
 */
export function refusalOrder(exceeds: boolean, waitMs: number, currentExceeds: boolean, currentWaitMs: number): boolean {
  if (exceeds !== currentExceeds) return exceeds;
  return waitMs > currentWaitMs;
}
