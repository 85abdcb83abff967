import type { ReasoningEffort } from '../canonical/index.js';

/**
 * Thinking-token budgets for each reasoning effort, shared by the backends
 * whose control is a budget (Anthropic's `thinking.budget_tokens`, the local
 * engine's thought budget). Anthropic's floor is 1024; the others sit inside
 * the bands the OpenAI provider uses to turn a budget back into an effort
 * (< 4096 low, < 16384 medium, above high), and `high` plus a default answer
 * allowance (4096) stays under 32000, the smallest output limit of the
 * Claude models that think.
 */
export const thinkingBudgets: Readonly<Record<Exclude<ReasoningEffort, 'none'>, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  // No budget above high: an effort past it thinks at high.
  xhigh: 24576,
};

/** The effort of a request that asks for reasoning without saying how much. */
export const defaultEffort = 'medium';
