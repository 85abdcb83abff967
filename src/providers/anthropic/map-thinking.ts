import { invalidRequest, type ChatRequest } from '../../canonical/index.js';

export { defaultEffort, thinkingBudgets } from '../reasoning-budgets.js';
import { defaultEffort, thinkingBudgets } from '../reasoning-budgets.js';

/** Anthropic rejects a smaller `budget_tokens`. */
export const minThinkingBudget = 1024;

export interface ThinkingSettings {
  /** The `max_tokens` to send (Anthropic requires one). */
  maxTokens: number;
  /** The `thinking` object, when the request asked for reasoning. */
  thinking?: { type: 'enabled'; budget_tokens: number };
}

/**
 * `max_tokens` and `thinking` for a request. An explicit budget (Anthropic
 * clients) goes as it is. An effort becomes a budget; as OpenAI counts
 * reasoning inside `max_completion_tokens`, a client's limit caps the budget
 * (one token below it, Anthropic's rule). Without a client limit the answer
 * gets `defaultMaxTokens` on top of the budget.
 */
export function thinkingSettings(req: ChatRequest, defaultMaxTokens: number): ThinkingSettings {
  const explicit = req.reasoning?.budgetTokens;
  if (explicit !== undefined) {
    return { maxTokens: req.maxTokens ?? defaultMaxTokens + explicit, thinking: { type: 'enabled', budget_tokens: explicit } };
  }
  // Reasoning asked for without an effort (Anthropic's `thinking: {type: "adaptive"}`) thinks at the default, medium.
  const effort = req.reasoning === undefined ? undefined : req.reasoning.effort ?? defaultEffort;
  if (effort === undefined || effort === 'none') return { maxTokens: req.maxTokens ?? defaultMaxTokens };
  const budget = thinkingBudgets[effort];
  if (req.maxTokens === undefined) {
    return { maxTokens: defaultMaxTokens + budget, thinking: { type: 'enabled', budget_tokens: budget } };
  }
  const fitted = Math.min(budget, req.maxTokens - 1);
  if (fitted < minThinkingBudget) {
    throw invalidRequest(
      `Invalid 'max_tokens': reasoning effort '${effort}' on this model needs max_tokens of at least ${minThinkingBudget + 1} ` +
      `(its backend thinks in budgets of at least ${minThinkingBudget} tokens, counted inside max_tokens).`,
      'max_tokens',
      'invalid_request_error',
    );
  }
  return { maxTokens: req.maxTokens, thinking: { type: 'enabled', budget_tokens: fitted } };
}
