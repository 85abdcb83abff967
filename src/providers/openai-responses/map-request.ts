import { invalidRequest, refuseUnportable, type ChatRequest, type ResponseFormat, type ToolChoice } from '../../canonical/index.js';
import { ParamAdaptations } from '../../params/unsupported-policy.js';
import { effortForBudget } from '../openai/map-request.js';
import { toResponsesInput } from './map-input.js';

export interface ResponsesBodyOptions {
  /** The upstream's model id. */
  model: string;
  /** Ask for `reasoning.encrypted_content`, so that the next turn can give the upstream its reasoning back. */
  encryptedReasoning: boolean;
  /** What parameters the Responses API lacks become (absent: a 400 each, `strict`). */
  adaptations?: ParamAdaptations;
}

const backend = 'OpenAI Responses API';

/**
 * The canonical request as a Responses API body. Always `stream: true`
 * (a non-streaming client gets the folded stream, as on every provider) and
 * `store: false`: the conversation travels in `input`, the upstream keeps
 * nothing. Top-level fields Lingua does not model (`extra`) are passed
 * through when they came from an OpenAI-family body (`metadata`,
 * `prompt_cache_key`, `service_tier`… have the same names here), as the
 * `openai` provider passes them; another protocol's are not, and one only
 * its own backends can honour is refused (`refuseUnportable`). Sampling
 * hints the Responses API has no field for follow the model's
 * `unsupported_params` (dropped and told, or a 400).
 */
export function toResponsesBody(req: ChatRequest, options: ResponsesBodyOptions): Record<string, unknown> {
  rejectUnsupported(req);
  adaptSampling(req, options.adaptations ?? new ParamAdaptations('strict'));
  refuseUnportable(req, 'openai', 'the OpenAI Responses API');
  const { instructions, input } = toResponsesInput(req.messages);
  const openAIFamily = req.extraProtocol === undefined || req.extraProtocol === 'openai';
  const body: Record<string, unknown> = openAIFamily ? { ...req.extra, model: options.model } : { model: options.model };
  if (instructions !== undefined) body.instructions = instructions;
  body.input = input;
  body.stream = true;
  body.store = false;
  if (req.maxTokens !== undefined) body.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.user !== undefined) body.user = req.user;
  if (req.tools !== undefined && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      name: t.name,
      ...(t.description === undefined ? {} : { description: t.description }),
      parameters: t.parameters,
      // The Responses API makes a function strict unless told otherwise; Chat and Messages clients' tools are not.
      strict: t.strict ?? false,
    }));
  }
  // Without tools, `tool_choice` and `parallel_tool_calls` mean nothing (and a required choice is refused).
  if (body.tools !== undefined && req.toolChoice !== undefined) body.tool_choice = toToolChoice(req.toolChoice);
  if (body.tools !== undefined && req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.responseFormat !== undefined) body.text = { format: toFormat(req.responseFormat) };
  const effort = req.reasoning?.effort ?? effortForBudget(req.reasoning?.budgetTokens);
  // A summary is what the upstream shows of its reasoning: without one, reasoning clients see none.
  if (effort !== undefined) body.reasoning = effort === 'none' ? { effort } : { effort, summary: 'auto' };
  if (options.encryptedReasoning) body.include = ['reasoning.encrypted_content'];
  return body;
}

/**
 * What the Responses API cannot serve: a text completion, `n` > 1 and stop
 * sequences, each a 400 naming it. Stop sequences and `n` > 1 are served by the router
 * (the provider's `stops` and `choicesPerCall`); they reach here only where
 * it does not.
 */
function rejectUnsupported(req: ChatRequest): void {
  const unsupported = (param: string) => invalidRequest(
    `Unsupported parameter: '${param}' is not supported by this model's backend (OpenAI Responses API).`,
    param,
    'unsupported_parameter',
  );
  if (req.textCompletion !== undefined) {
    throw invalidRequest("This model's backend (OpenAI Responses API) has no raw text completion: use a chat model for '/v1/completions', or this model with chat completions, messages or responses.", 'model', 'unsupported_model');
  }
  if (req.n !== 1) throw invalidRequest("Unsupported value: 'n' must be 1 on this model: its backend (OpenAI Responses API) generates one answer per request.", 'n', 'unsupported_value');
  if (req.stop !== undefined && req.stop.length > 0) throw unsupported('stop');
}

/** Sampling hints the Responses API has no field for (neutral values pass unsaid), under the model's policy. */
function adaptSampling(req: ChatRequest, adaptations: ParamAdaptations): void {
  if (req.topK !== undefined) adaptations.drop('top_k', backend);
  if (req.seed !== undefined) adaptations.drop('seed', backend);
  if (req.presencePenalty !== undefined && req.presencePenalty !== 0) adaptations.drop('presence_penalty', backend);
  if (req.frequencyPenalty !== undefined && req.frequencyPenalty !== 0) adaptations.drop('frequency_penalty', backend);
  if (req.logitBias !== undefined && Object.keys(req.logitBias).length > 0) adaptations.drop('logit_bias', backend);
}

function toToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

function toFormat(f: ResponseFormat): Record<string, unknown> {
  if (f.type !== 'json_schema') return { type: f.type };
  return {
    type: 'json_schema',
    name: f.name,
    schema: f.schema,
    ...(f.strict === undefined ? {} : { strict: f.strict }),
    ...(f.description === undefined ? {} : { description: f.description }),
  };
}
