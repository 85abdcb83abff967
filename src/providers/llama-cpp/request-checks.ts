import { invalidRequest, type ChatRequest } from '../../canonical/index.js';

/** Fields outside the canonical request that the local engine reads. */
export const engineExtras = new Set(['top_k', 'min_p', 'repeat_penalty']);

/**
 * Rejects, with a 400 naming the parameter, what the local engine cannot
 * honour, so that nothing a client asked for is dropped silently.
 */
export function checkRequest(req: ChatRequest, vocabularySize: number): void {
  for (const [key, value] of Object.entries(req.extra)) {
    if (value === null || value === false) continue; // an explicit "off" is harmless
    if (engineExtras.has(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`'${key}' must be a number.`, key);
      continue;
    }
    throw invalidRequest(`The parameter '${key}' is not supported by the local llama.cpp engine.`, key, 'unsupported_parameter');
  }
  if (req.responseFormat !== undefined && req.responseFormat.type !== 'text' && req.tools !== undefined && req.toolChoice !== 'none') {
    throw invalidRequest("The local engine cannot constrain output to 'response_format' and offer 'tools' in the same request.", 'response_format', 'unsupported_parameter');
  }
  for (const id of Object.keys(req.logitBias ?? {})) {
    if (Number(id) >= vocabularySize) throw invalidRequest(`'logit_bias' names token ${id}, but the model's vocabulary has ${vocabularySize} tokens.`, 'logit_bias');
  }
}
