import { invalidRequest, type ChatRequest, type Message } from '../../canonical/index.js';

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
 * (one token below it, Anthropic's rule). Reasoning asked for without an
 * effort or a budget (Anthropic's `adaptive`: the model decides how much)
 * leaves the answer its share of the limit (`answerShare`), and is off when
 * what remains is below Anthropic's minimum budget. Without a client limit
 * the answer gets `defaultMaxTokens` on top of the budget. Thinking is off
 * for a tool loop whose last assistant turn lost its signed thinking
 * (`signedThinkingMissing`).
 */
export function thinkingSettings(req: ChatRequest, defaultMaxTokens: number): ThinkingSettings {
  const off = { maxTokens: req.maxTokens ?? defaultMaxTokens };
  const explicit = req.reasoning?.budgetTokens;
  if (req.reasoning === undefined || signedThinkingMissing(req.messages)) return off;
  if (explicit !== undefined) {
    return { maxTokens: req.maxTokens ?? defaultMaxTokens + explicit, thinking: { type: 'enabled', budget_tokens: explicit } };
  }
  const effort = req.reasoning.effort;
  if (effort === 'none') return off;
  const budget = thinkingBudgets[effort ?? defaultEffort];
  if (req.maxTokens === undefined) {
    return { maxTokens: defaultMaxTokens + budget, thinking: { type: 'enabled', budget_tokens: budget } };
  }
  if (effort === undefined) {
    const room = req.maxTokens - answerShare(req.maxTokens);
    return room < minThinkingBudget ? off : { maxTokens: req.maxTokens, thinking: { type: 'enabled', budget_tokens: Math.min(budget, room) } };
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

/** What adaptive thinking leaves the answer of a client's `max_tokens`: a quarter, at least 1024 tokens. */
export function answerShare(maxTokens: number): number {
  return Math.max(1024, Math.ceil(maxTokens / 4));
}

/**
 * Whether Anthropic would refuse this history with thinking on: the last
 * assistant turn, when it called a tool (the turn a tool loop continues),
 * must start with a signed thinking block. Reasoning sent back without a
 * signature (plain `reasoning_content`, or another backend's) is not sent
 * (map-messages.ts), so such a turn starts with no thinking: the request
 * then goes with thinking off rather than be refused.
 */
export function signedThinkingMissing(messages: readonly Message[]): boolean {
  let last = messages.length - 1;
  while (last >= 0 && messages[last]!.role !== 'assistant') last--;
  if (last < 0) return false;
  // Consecutive assistant messages go as one turn (map-messages.ts).
  let first = last;
  while (first > 0 && messages[first - 1]!.role === 'assistant') first--;
  const parts = messages.slice(first, last + 1).flatMap((m) => m.role === 'assistant' ? m.content : []);
  if (!parts.some((p) => p.type === 'tool_call')) return false;
  // The first part sent: unsigned reasoning and empty text are left out.
  const opening = parts.find((p) => !(p.type === 'reasoning' && p.signature === undefined && p.redacted === undefined) && !(p.type === 'text' && p.text === ''));
  return opening?.type !== 'reasoning';
}
