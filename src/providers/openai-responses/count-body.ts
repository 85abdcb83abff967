import type { ChatRequest } from '../../canonical/index.js';
import { ParamAdaptations } from '../../params/unsupported-policy.js';
import { toResponsesBody } from './map-request.js';

/** The fields of a Responses body that `POST /responses/input_tokens` takes: what the prompt is made of. */
const countedFields = ['model', 'instructions', 'input', 'tools', 'tool_choice', 'parallel_tool_calls', 'reasoning', 'text'] as const;

/** The request as the body of the upstream's input-token count. */
export function toCountBody(request: ChatRequest, model: string): Record<string, unknown> {
  // Sampling hints do not change a count (the call itself applies the model's policy).
  // Stop sequences and choices change the answer, not the prompt's count (and the Responses API has no field for them).
  const { stop: _stop, ...prompt } = request;
  const body = toResponsesBody({ ...prompt, stream: false, n: 1 }, { model, encryptedReasoning: false, adaptations: new ParamAdaptations('adapt') });
  const counted: Record<string, unknown> = {};
  for (const key of countedFields) if (body[key] !== undefined) counted[key] = body[key];
  return counted;
}
