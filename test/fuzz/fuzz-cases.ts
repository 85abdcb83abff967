import type { FuzzEndpoint } from './check-answer.js';
import { anthropicBodies, anthropicFields, openAIBodies, openAIFields } from './corpus.js';
import type { Dice } from './dice.js';
import type { JsonObject } from './json-text.js';
import { mutateModelPath } from './model-ids.js';
import { mutateBody, type FuzzCase } from './mutate.js';

/** How each endpoint's cases are made: the bodies of its protocol for `models`, mutated. */
export function caseMaker(endpoint: FuzzEndpoint, models: readonly string[], maxBytes: number): (dice: Dice) => { path: string; case: FuzzCase } {
  if (endpoint.answers === 'model') return (dice) => mutateModelPath(dice, models);
  const anthropic = endpoint.shape === 'anthropic';
  const corpus: JsonObject[] = models.flatMap((m) => (anthropic ? anthropicBodies(m) : openAIBodies(m)));
  const fields = anthropic ? anthropicFields : openAIFields;
  return (dice) => ({
    // Claude Code adds `?beta=true`; query strings are accepted everywhere.
    path: dice.chance(0.05) ? `${endpoint.path}?beta=true` : endpoint.path,
    case: mutateBody(dice, { corpus, fields, maxBytes }),
  });
}
