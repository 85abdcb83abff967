import { z } from 'zod';

const range = z.object({
  /** Inclusive bounds. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Exclusive bounds: `top_p: { gt: 0, max: 1 }` is (0, 1]. */
  gt: z.number().optional(),
  lt: z.number().optional(),
}).strict().refine((r) => Object.keys(r).length > 0, 'give at least one of min, max, gt, lt');

/**
 * `models[].params`: the values a model accepts, narrower than the protocol's
 * own ranges (Ling models: `temperature: { min: 0, max: 1 }`). Named as in
 * the request bodies of both protocols.
 */
export const paramRangesSchema = z.object({
  temperature: range.optional(),
  top_p: range.optional(),
  top_k: range.optional(),
  max_tokens: range.optional(),
  presence_penalty: range.optional(),
  frequency_penalty: range.optional(),
}).strict();

export type ParamRangesConfig = z.infer<typeof paramRangesSchema>;
export type ParamRange = NonNullable<ParamRangesConfig['temperature']>;
