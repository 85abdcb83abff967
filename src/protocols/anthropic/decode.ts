import type { ChatRequest, ReasoningEffort, ToolChoice, ToolDefinition } from '../../canonical/index.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { compileCheck } from '../../lib/compiled-check.js';
import { safeParseReporting } from '../../lib/validation-error.js';
import {
  countTokensRequestSchema, knownFields, messagesRequestSchema,
  type AnthropicTool, type AnthropicToolChoice, type CountTokensRequest,
} from './request-schema.js';
import { anthropicPassthrough, isServerTool } from './passthrough.js';
import { toCanonicalMessages } from './to-canonical-messages.js';
import { anthropicInvalid, anthropicValidationError } from './validation-error.js';

/**
 * An Anthropic Messages body as a canonical request; bad input throws a 400
 * naming the field. The body itself rides along (`passthrough`), for an
 * Anthropic backend to be sent what the client sent.
 */
export function decodeMessagesRequest(body: unknown, headers?: IncomingHttpHeaders): ChatRequest {
  const r = parse(messagesRequestSchema, isValidMessages, body);
  const request = promptRequest(r);
  request.passthrough = anthropicPassthrough(r, request, headers?.['anthropic-beta']);
  request.stream = r.stream === true;
  // Anthropic streams always end with usage.
  request.includeUsage = request.stream;
  request.maxTokens = r.max_tokens;
  if (r.temperature != null) request.temperature = r.temperature;
  if (r.top_p != null) request.topP = r.top_p;
  if (r.top_k != null) request.topK = r.top_k;
  if (r.stop_sequences != null && r.stop_sequences.length > 0) {
    request.stop = r.stop_sequences;
    // Anthropic says which sequence matched (`stop_sequence`): Lingua finds it where the backend cannot.
    request.reportStop = true;
  }
  if (r.metadata?.user_id != null) request.user = r.metadata.user_id;
  checkThinkingBudget(request, r.max_tokens);
  return request;
}

/**
 * A count_tokens body as a canonical request (its prompt); every field of
 * a Messages body it holds is checked as `/v1/messages` checks it.
 */
export function decodeCountTokensRequest(body: unknown): ChatRequest {
  const r = parse(countTokensRequestSchema, isValidCount, body);
  const request = promptRequest(r);
  request.passthrough = anthropicPassthrough(r, request, undefined);
  if (r.max_tokens !== undefined) checkThinkingBudget(request, r.max_tokens);
  return request;
}

function checkThinkingBudget(request: ChatRequest, maxTokens: number): void {
  const budget = request.reasoning?.budgetTokens;
  if (budget !== undefined && budget >= maxTokens) {
    throw anthropicInvalid('max_tokens', `must be greater than thinking.budget_tokens (${budget})`);
  }
}

const isValidMessages = compileCheck(messagesRequestSchema);
const isValidCount = compileCheck(countTokensRequestSchema);

/**
 * A body the compiled check accepts is used as it stands (the schema
 * changes nothing it parses); zod runs only on a body it rejects, for the
 * 400 that names the field.
 */
function parse<S extends z.ZodType>(schema: S, isValid: (value: unknown) => value is z.output<S>, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw anthropicInvalid('', 'The request body must be a JSON object.');
  }
  for (const key of Object.keys(body)) {
    if (!knownFields.has(key)) throw anthropicInvalid(key, 'Extra inputs are not permitted');
  }
  if (isValid(body)) return body;
  const parsed = safeParseReporting(schema, body);
  if (!parsed.success) throw anthropicValidationError(parsed.error);
  return parsed.data;
}

function promptRequest(r: CountTokensRequest): ChatRequest {
  const prompt = toCanonicalMessages(r.system, r.messages);
  const request: ChatRequest = {
    model: r.model,
    messages: prompt.messages,
    clientPaths: { messages: prompt.messages, origins: prompt.origins },
    stream: false,
    includeUsage: false,
    n: 1,
    // Never filled: Anthropic-only fields must not reach other backends' bodies. Null-prototype like every pass-through bag.
    extra: Object.create(null) as Record<string, unknown>,
  };
  const tools = (r.tools ?? []).flatMap(toTool);
  if (tools.length > 0) request.tools = tools;
  if (r.tool_choice != null) applyToolChoice(r.tool_choice, request, (r.tools ?? []).filter(isServerTool));
  const reasoning = toReasoning(r);
  if (reasoning !== undefined) request.reasoning = reasoning;
  const format = r.output_config?.format;
  if (format != null) request.responseFormat = { type: 'json_schema', name: 'response', schema: format.schema };
  return request;
}

/** A client tool as a canonical tool; a server tool is none (only the body carries it, for an Anthropic backend: passthrough.ts). */
function toTool(t: AnthropicTool, i: number): ToolDefinition[] {
  if (isServerTool(t)) return [];
  if (t.input_schema === undefined) throw anthropicInvalid(['tools', i, 'input_schema'], 'Field required');
  return [{
    name: t.name,
    ...(t.description == null ? {} : { description: t.description }),
    parameters: t.input_schema,
    ...(t.strict == null ? {} : { strict: t.strict }),
  }];
}

function applyToolChoice(choice: AnthropicToolChoice, request: ChatRequest, serverTools: readonly AnthropicTool[]): void {
  let canonical: ToolChoice;
  switch (choice.type) {
    case 'auto': canonical = 'auto'; break;
    case 'any': canonical = 'required'; break;
    case 'none': canonical = 'none'; break;
    case 'tool':
      if (!request.tools?.some((t) => t.name === choice.name) && !serverTools.some((t) => t.name === choice.name)) {
        throw anthropicInvalid('tool_choice.name', `no tool named '${choice.name}' in 'tools'`);
      }
      canonical = { name: choice.name };
      break;
  }
  request.toolChoice = canonical;
  if (choice.type !== 'none' && choice.disable_parallel_tool_use != null) request.parallelToolCalls = !choice.disable_parallel_tool_use;
}

/**
 * `thinking` and `output_config.effort` as canonical reasoning:
 * `enabled` gives its budget; `adaptive` turns reasoning on at the
 * backend's default effort; `disabled` (like no `thinking`) asks nothing.
 * An explicit effort is kept; `xhigh` and `max` become `high`, the top of
 * Lingua's scale.
 */
function toReasoning(r: CountTokensRequest): ChatRequest['reasoning'] {
  const effort = toEffort(r.output_config?.effort);
  const thinking = r.thinking;
  if (thinking?.type === 'enabled') return { budgetTokens: thinking.budget_tokens, ...(effort === undefined ? {} : { effort }) };
  if (thinking?.type === 'adaptive') return effort === undefined ? {} : { effort };
  return effort === undefined ? undefined : { effort };
}

function toEffort(effort: 'low' | 'medium' | 'high' | 'xhigh' | 'max' | null | undefined): ReasoningEffort | undefined {
  if (effort == null) return undefined;
  return effort === 'xhigh' || effort === 'max' ? 'high' : effort;
}
