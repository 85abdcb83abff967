import type { LLamaContextualRepeatPenalty } from 'node-llama-cpp';
import type { ChatRequest } from '../../canonical/index.js';

/** node-llama-cpp's sampling options for a request. */
export interface Sampling {
  temperature: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  repeatPenalty: false | LLamaContextualRepeatPenalty;
}

/**
 * The request's sampling parameters with OpenAI's defaults (temperature 1,
 * no penalties): node-llama-cpp's own defaults differ (greedy, and a 1.1
 * repeat penalty), so every value is set explicitly. Choice `i` of an
 * `n > 1` request with a seed uses `seed + i`, so the choices differ but
 * each is reproducible.
 */
export function samplingFor(req: ChatRequest, choice: number, contextSize: number): Sampling {
  const extra = req.extra as { top_k?: number; min_p?: number; repeat_penalty?: number };
  const sampling: Sampling = { temperature: req.temperature ?? 1, repeatPenalty: false };
  if (req.topP !== undefined) sampling.topP = req.topP;
  const topK = req.topK ?? extra.top_k;
  if (topK !== undefined) sampling.topK = topK;
  if (extra.min_p !== undefined) sampling.minP = extra.min_p;
  if (req.seed !== undefined) sampling.seed = req.seed + choice;
  const penalized = req.presencePenalty !== undefined || req.frequencyPenalty !== undefined || extra.repeat_penalty !== undefined;
  if (penalized) {
    sampling.repeatPenalty = {
      // OpenAI's penalties count every token generated so far.
      lastTokens: contextSize,
      penalty: extra.repeat_penalty ?? 1,
      presencePenalty: req.presencePenalty ?? 0,
      frequencyPenalty: req.frequencyPenalty ?? 0,
      penalizeNewLine: true,
    };
  }
  return sampling;
}
