import { invalidRequest, type AnthropicRequestPassthrough, type ChatRequest, type ToolChoice } from '../../canonical/index.js';
import { ParamAdaptations } from '../../params/unsupported-policy.js';
import { foreignFields } from './foreign-fields.js';
import { jsonResponseTool, type JsonResponseTool } from './json-response-tool.js';
import { toAnthropicPrompt } from './map-messages.js';
import { thinkingSettings } from './map-thinking.js';

export interface AnthropicBodyOptions {
  /** The upstream's model id. */
  model: string;
  /** `max_tokens` when the client gave none. */
  defaultMaxTokens: number;
  /** Ask the upstream to stream. */
  stream: boolean;
  /** What parameters Anthropic lacks become (absent: a 400 each, `strict`). */
  adaptations?: ParamAdaptations;
  /** The upstream takes `output_config.format` (provider `structured_outputs`): a JSON schema goes there, not through a forced tool, so thinking may join it. */
  structuredOutputs?: boolean;
}

const backend = 'Anthropic Messages API';

export interface AnthropicBody {
  body: Record<string, unknown>;
  /** The tool standing in for `response_format`, when one does. */
  jsonTool?: string;
}

/**
 * The canonical request as an Anthropic Messages body. An Anthropic
 * client's request is sent as it came (same-protocol.ts). Otherwise the
 * body is built from the canonical request: fields Anthropic has no
 * equivalent for are rejected with a 400 naming them, and another
 * protocol's top-level fields (`extra`) are not spread into it, bar Ling's
 * search extensions for a native-search provider (foreign-fields.ts).
 */
export function toAnthropicBody(req: ChatRequest, options: AnthropicBodyOptions): AnthropicBody {
  rejectUnsupported(req);
  const temperature = adaptSampling(req, options.adaptations ?? new ParamAdaptations('strict'));
  if (req.passthrough?.protocol === 'anthropic') return { body: sameProtocolBody(req, req.passthrough, options) };
  const prompt = toAnthropicPrompt(req.messages);
  const settings = thinkingSettings(req, options.defaultMaxTokens);
  const body: Record<string, unknown> = { ...foreignFields(req), model: options.model, max_tokens: settings.maxTokens };
  if (prompt.system !== undefined) body.system = prompt.system;
  body.messages = prompt.messages;
  if (settings.thinking !== undefined) body.thinking = settings.thinking;
  if (options.stream) body.stream = true;
  if (req.stop !== undefined) body.stop_sequences = req.stop;
  if (temperature !== undefined) body.temperature = temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined) body.top_k = req.topK;
  if (req.user !== undefined) body.metadata = { user_id: req.user };

  const format = req.responseFormat;
  const native = options.structuredOutputs === true && format?.type === 'json_schema';
  if (native) body.output_config = { format: { type: 'json_schema', schema: format.schema } };
  const json = native ? undefined : jsonResponseTool(format);
  if (json !== undefined && settings.thinking !== undefined) {
    throw invalidRequest(
      "Invalid 'response_format': JSON output cannot be combined with reasoning on this model (its backend produces JSON through a forced tool call, which thinking does not allow; a json_schema can when the provider sets structured_outputs).",
      'response_format',
      'invalid_request_error',
    );
  }
  const tools = toolsSection(req, json);
  if (tools.tools !== undefined) body.tools = tools.tools;
  if (tools.toolChoice !== undefined) body.tool_choice = tools.toolChoice;
  return json !== undefined && tools.usesJsonTool ? { body, jsonTool: json.name } : { body };
}

/**
 * The client's own Messages body for an Anthropic backend: every field as
 * it came (`cache_control` wherever it stood, `output_config`,
 * `context_management`, `container`, `mcp_servers`, `service_tier`…), bar
 * the model id, `stream` (Lingua decides how it talks to the upstream) and
 * `max_tokens` (a limit may have lowered it). A prompt or tool list that a
 * stage rewrote is sent in its rewritten form, as is every canonical
 * setting: the canonical request stays the one truth.
 */
function sameProtocolBody(req: ChatRequest, raw: AnthropicRequestPassthrough, options: AnthropicBodyOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { ...raw.body, model: options.model, max_tokens: req.maxTokens ?? options.defaultMaxTokens };
  if (options.stream) body.stream = true;
  else delete body.stream;
  if (req.messages !== raw.messages) {
    const prompt = toAnthropicPrompt(req.messages);
    body.messages = prompt.messages;
    if (prompt.system === undefined) delete body.system;
    else body.system = prompt.system;
  }
  if (req.tools !== raw.tools) {
    const tools = toolsSection(req, undefined);
    for (const key of ['tools', 'tool_choice'] as const) delete body[key];
    // The client's server tools (web search, code execution…) are no canonical tools: kept as they came.
    const server = (Array.isArray(raw.body.tools) ? raw.body.tools as Record<string, unknown>[] : []).filter((t) => t.type != null && t.type !== 'custom');
    const sent = [...(tools.tools ?? []), ...server];
    if (sent.length > 0) body.tools = sent;
    if (tools.toolChoice !== undefined) body.tool_choice = tools.toolChoice;
  }
  setOrDelete(body, 'stop_sequences', req.stop);
  setOrDelete(body, 'temperature', req.temperature);
  setOrDelete(body, 'top_p', req.topP);
  setOrDelete(body, 'top_k', req.topK);
  return body;
}

function setOrDelete(body: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete body[key];
  else body[key] = value;
}

/** What Anthropic cannot do at all: a raw text completion. */
function rejectUnsupported(req: ChatRequest): void {
  if (req.textCompletion !== undefined) {
    throw invalidRequest("This model's backend (Anthropic Messages API) has no raw text completion: use a chat model for '/v1/completions', or this model with chat completions or messages.", 'model', 'unsupported_model');
  }
}

/**
 * Sampling hints Anthropic has no field for (neutral values pass unsaid)
 * and its temperature range, 0 to 1 (OpenAI's goes to 2), under the
 * model's policy. Returns the temperature to send.
 */
function adaptSampling(req: ChatRequest, adaptations: ParamAdaptations): number | undefined {
  if (req.seed !== undefined) adaptations.drop('seed', backend);
  if (req.presencePenalty !== undefined && req.presencePenalty !== 0) adaptations.drop('presence_penalty', backend);
  if (req.frequencyPenalty !== undefined && req.frequencyPenalty !== 0) adaptations.drop('frequency_penalty', backend);
  if (req.logitBias !== undefined && Object.keys(req.logitBias).length > 0) adaptations.drop('logit_bias', backend);
  return req.temperature === undefined ? undefined : adaptations.clamp('temperature', req.temperature, { min: 0, max: 1 }, backend);
}

interface ToolsSection {
  tools?: Record<string, unknown>[];
  toolChoice?: Record<string, unknown>;
  usesJsonTool: boolean;
}

/**
 * `tools` and `tool_choice`. With a JSON response tool: under `auto` the model
 * must call a tool (`any`) — the client's, or the JSON tool to answer; under
 * `none` it must call the JSON tool; `required` and a named tool leave it out.
 */
function toolsSection(req: ChatRequest, json: JsonResponseTool | undefined): ToolsSection {
  const tools: Record<string, unknown>[] = (req.tools ?? []).map((t) => ({
    name: t.name,
    ...(t.description === undefined ? {} : { description: t.description }),
    input_schema: t.parameters,
    ...(t.strict === true ? { strict: true } : {}),
  }));
  let choice: Record<string, unknown> | undefined = req.toolChoice === undefined ? undefined : toToolChoice(req.toolChoice);
  let usesJsonTool = false;
  if (json !== undefined && (req.toolChoice === undefined || req.toolChoice === 'auto' || req.toolChoice === 'none')) {
    if (tools.some((t) => t.name === json.name)) {
      throw invalidRequest(`Invalid 'response_format': its name '${json.name}' is also the name of a tool; rename one of them.`, 'response_format', 'invalid_request_error');
    }
    choice = req.toolChoice === 'none' || tools.length === 0 ? { type: 'tool', name: json.name } : { type: 'any' };
    tools.push(json.definition);
    usesJsonTool = true;
  }
  if (req.parallelToolCalls === false && tools.length > 0 && choice?.type !== 'none') {
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  const section: ToolsSection = { usesJsonTool };
  // Without tools a `tool_choice` means nothing (and Anthropic rejects it).
  if (tools.length > 0) section.tools = tools;
  if (tools.length > 0 && choice !== undefined) section.toolChoice = choice;
  return section;
}

function toToolChoice(choice: ToolChoice): Record<string, unknown> {
  switch (choice) {
    case 'auto': return { type: 'auto' };
    case 'none': return { type: 'none' };
    case 'required': return { type: 'any' };
    default: return { type: 'tool', name: choice.name };
  }
}
