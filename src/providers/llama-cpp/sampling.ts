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
export function samplingFor(req: ChatRequest, choice: number, contextSize: number, vocabularySize: number): Sampling {
  const sampling: Sampling = { temperature: req.temperature ?? 1, repeatPenalty: false };
  if (req.topP !== undefined) sampling.topP = req.topP;
  const topK = req.topK ?? extraNumber(req, 'top_k');
  // The engine reads top_k as a 32-bit integer; any k beyond the vocabulary means all of it.
  if (topK !== undefined) sampling.topK = Math.min(topK, vocabularySize, 2 ** 31 - 1);
  const minP = extraNumber(req, 'min_p');
  if (minP !== undefined) sampling.minP = minP;
  // The engine takes a 32-bit unsigned seed (and turns a negative one into 0): wrap it, so distinct seeds stay distinct.
  if (req.seed !== undefined) sampling.seed = (((req.seed + choice) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  const repeatPenalty = extraNumber(req, 'repeat_penalty');
  const penalized = req.presencePenalty !== undefined || req.frequencyPenalty !== undefined || repeatPenalty !== undefined;
  if (penalized) {
    sampling.repeatPenalty = {
      // OpenAI's penalties count every token generated so far.
      lastTokens: contextSize,
      penalty: repeatPenalty ?? 1,
      presencePenalty: req.presencePenalty ?? 0,
      frequencyPenalty: req.frequencyPenalty ?? 0,
      penalizeNewLine: true,
    };
  }
  return sampling;
}

/**
 * An engine field of `extra` (checked by checkRequest): the bag's own
 * property only, never an inherited one; `null` and `false` mean unset.
 */
function extraNumber(req: ChatRequest, key: string): number | undefined {
  if (!Object.hasOwn(req.extra, key)) return undefined;
  const value = req.extra[key];
  return typeof value === 'number' ? value : undefined;
}
