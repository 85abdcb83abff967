import type { Usage } from '../../canonical/index.js';

type Json = Record<string, unknown>;

/**
 * Anthropic usage as it arrives: `message_start` carries the input counts,
 * each `message_delta` cumulative totals. Every report replaces the fields
 * it has (never summed). `input_tokens` excludes cache reads and writes, so
 * the canonical input is their sum.
 */
export class AnthropicUsage {
  #input: number | undefined;
  #cacheWrite: number | undefined;
  #cacheRead: number | undefined;
  #output: number | undefined;
  #thinking: number | undefined;
  /** Every field reported, the latest of each, as the upstream wrote them (cache figures by TTL, `service_tier`, …). */
  readonly raw = Object.create(null) as Json;

  update(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const u = raw as Json;
    Object.assign(this.raw, u);
    if (typeof u.input_tokens === 'number') this.#input = u.input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') this.#cacheWrite = u.cache_creation_input_tokens;
    if (typeof u.cache_read_input_tokens === 'number') this.#cacheRead = u.cache_read_input_tokens;
    if (typeof u.output_tokens === 'number') this.#output = u.output_tokens;
    const thinking = (u.output_tokens_details as Json | null | undefined)?.thinking_tokens;
    if (typeof thinking === 'number') this.#thinking = thinking;
  }

  /** The canonical usage, or undefined when the upstream reported none. */
  toUsage(): Usage | undefined {
    if (this.#input === undefined && this.#output === undefined) return undefined;
    const usage: Usage = {
      inputTokens: (this.#input ?? 0) + (this.#cacheWrite ?? 0) + (this.#cacheRead ?? 0),
      outputTokens: this.#output ?? 0,
    };
    if (this.#cacheRead !== undefined) usage.cachedInputTokens = this.#cacheRead;
    if (this.#thinking !== undefined) usage.reasoningTokens = this.#thinking;
    return usage;
  }
}
