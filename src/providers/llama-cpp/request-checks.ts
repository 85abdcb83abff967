import { invalidRequest, type ChatRequest } from '../../canonical/index.js';

interface Rule {
  valid(value: number): boolean;
  /** What the value must be, for the message. */
  expected: string;
}

const nonNegativeInteger: Rule = { valid: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a non-negative integer' };
const positiveInteger: Rule = { valid: (v) => Number.isSafeInteger(v) && v >= 1, expected: 'a positive integer' };
const integer: Rule = { valid: Number.isSafeInteger, expected: 'an integer' };
const finite: Rule = { valid: Number.isFinite, expected: 'a finite number' };
const fraction: Rule = { valid: (v) => v >= 0 && v <= 1, expected: 'a number from 0 to 1' };
const nonNegative: Rule = { valid: (v) => Number.isFinite(v) && v >= 0, expected: 'a non-negative number' };
const positive: Rule = { valid: (v) => Number.isFinite(v) && v > 0, expected: 'a number greater than 0' };

/** Fields outside the canonical request that the local engine reads, and the values each takes. */
export const engineExtras: ReadonlyMap<string, Rule> = new Map([
  ['top_k', nonNegativeInteger],
  ['min_p', fraction],
  ['repeat_penalty', positive],
]);

/**
 * Rejects, with a 400 naming the parameter, what the local engine cannot
 * honour, so that nothing a client asked for is dropped silently; and
 * every value handed to the engine is checked here, type and range,
 * whatever the protocol already checked: node-llama-cpp reads them inside
 * its decode loop, where a wrong one fails the generation.
 */
export function checkRequest(req: ChatRequest, vocabularySize: number): void {
  for (const key of Object.keys(req.extra)) {
    const value = req.extra[key];
    if (value === null || value === false) continue; // an explicit "off" is harmless
    const rule = engineExtras.get(key);
    if (rule === undefined) throw invalidRequest(`The parameter '${key}' is not supported by the local llama.cpp engine.`, key, 'unsupported_parameter');
    check(key, value, rule);
  }
  if (req.responseFormat !== undefined && req.responseFormat.type !== 'text' && req.tools !== undefined && req.toolChoice !== 'none') {
    throw invalidRequest("The local engine cannot constrain output to 'response_format' and offer 'tools' in the same request.", 'response_format', 'unsupported_parameter');
  }
  checkOptional('n', req.n, positiveInteger);
  checkOptional('max_tokens', req.maxTokens, positiveInteger);
  checkOptional('temperature', req.temperature, nonNegative);
  checkOptional('top_p', req.topP, fraction);
  checkOptional('top_k', req.topK, nonNegativeInteger);
  checkOptional('seed', req.seed, integer);
  checkOptional('presence_penalty', req.presencePenalty, finite);
  checkOptional('frequency_penalty', req.frequencyPenalty, finite);
  checkOptional('reasoning.budget_tokens', req.reasoning?.budgetTokens, nonNegativeInteger);
  req.stop?.forEach((s, i) => {
    if (typeof s !== 'string') throw invalidRequest(`'stop[${i}]' must be a string.`, `stop[${i}]`);
  });
  for (const [id, value] of Object.entries(req.logitBias ?? {})) {
    const token = /^\d+$/.test(id) ? Number(id) : Number.NaN;
    if (!Number.isSafeInteger(token)) throw invalidRequest(`'logit_bias' keys must be token ids; '${id}' is not.`, 'logit_bias');
    if (token >= vocabularySize) throw invalidRequest(`'logit_bias' names token ${id}, but the model's vocabulary has ${vocabularySize} tokens.`, 'logit_bias');
    check(`logit_bias.${id}`, value, finite);
  }
}

function checkOptional(param: string, value: unknown, rule: Rule): void {
  if (value !== undefined) check(param, value, rule);
}

function check(param: string, value: unknown, rule: Rule): void {
  if (typeof value !== 'number' || !rule.valid(value)) throw invalidRequest(`'${param}' must be ${rule.expected}.`, param);
}
