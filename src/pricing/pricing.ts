import { z } from 'zod';
import type { Usage } from '../canonical/index.js';

/** A model's prices in USD per million tokens, as the config writes them (`pricing: {input, cached_input, output, reasoning?}`). */
export const pricingSchema = z.object({
  input: z.number().min(0),
  /** Input tokens served from a prompt cache; default: the input price. */
  cached_input: z.number().min(0).optional(),
  output: z.number().min(0),
  /** Reasoning output tokens; default: the output price. */
  reasoning: z.number().min(0).optional(),
}).strict();

export type PricingConfig = z.infer<typeof pricingSchema>;

/** Prices per token, in nano-USD (1 USD = 1e9): what costs are computed with. */
export class Pricing {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
  readonly reasoning: number;

  constructor(readonly config: PricingConfig) {
    // USD per million tokens → nano-USD per token: × 1e9 / 1e6.
    this.input = config.input * 1000;
    this.cachedInput = (config.cached_input ?? config.input) * 1000;
    this.output = config.output * 1000;
    this.reasoning = (config.reasoning ?? config.output) * 1000;
  }

  /** What a response cost, in whole nano-USD. */
  cost(usage: Usage): number {
    const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
    const reasoning = Math.min(usage.reasoningTokens ?? 0, usage.outputTokens);
    return Math.round(
      (usage.inputTokens - cached) * this.input + cached * this.cachedInput
      + (usage.outputTokens - reasoning) * this.output + reasoning * this.reasoning,
    );
  }

  /** The most a request can cost: every input token uncached, every output token at the dearer output price. */
  worstCase(inputTokens: number, maxOutputTokens: number): number {
    return Math.ceil(inputTokens * Math.max(this.input, this.cachedInput) + maxOutputTokens * Math.max(this.output, this.reasoning));
  }
}

/** nano-USD as USD (for the admin API and messages). */
export function toUsd(nanoUsd: number): number {
  return nanoUsd / 1e9;
}

/** USD as whole nano-USD. */
export function fromUsd(usd: number): number {
  return Math.round(usd * 1e9);
}
