import type { Usage } from '../canonical/index.js';

/**
 * The usage of several model calls made for one request. Each call's report
 * is its own final total (never summed within a call), so the calls add up.
 */
export class UsageTotal {
  #total: Usage | undefined;

  add(u: Usage): void {
    const t = this.#total ?? { inputTokens: 0, outputTokens: 0 };
    t.inputTokens += u.inputTokens;
    t.outputTokens += u.outputTokens;
    if (u.cachedInputTokens !== undefined) t.cachedInputTokens = (t.cachedInputTokens ?? 0) + u.cachedInputTokens;
    if (u.reasoningTokens !== undefined) t.reasoningTokens = (t.reasoningTokens ?? 0) + u.reasoningTokens;
    this.#total = t;
  }

  get total(): Usage | undefined {
    return this.#total;
  }
}
