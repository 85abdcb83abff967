import { invalidRequest, type ChatRequest, type ReasoningEffort, type ResponseFormat } from '../../canonical/index.js';
import { compileCheck } from '../../lib/compiled-check.js';
import { hasMoreKeysThan } from '../../lib/key-count.js';
import { safeParseReporting, validationError } from '../../lib/validation-error.js';
import { knownFields, responsesBounds, responsesRequestSchema, supportedItemTypes, supportedToolTypes, type ResponsesRequestBody } from './request-schema.js';
import type { ItemReference, ResponsesRequest, SealedReasoning } from './responses-request.js';
import { toCanonicalMessages } from './to-canonical-messages.js';
import { toToolPlan } from './tools.js';

/**
 * A Responses body as a canonical request (with the context its encoders
 * need). Bad input is a 400 in OpenAI's shape naming the field; what the
 * canonical request cannot carry is refused by name (docs/responses.md).
 */
export function decodeResponsesRequest(body: unknown): ResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', undefined, 'invalid_request_error');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!knownFields.has(key)) throw invalidRequest(`Unknown parameter: '${key}'.`, key, 'unknown_parameter');
  }
  for (const [field, max] of [['metadata', responsesBounds.metadata], ['client_metadata', responsesBounds.metadata * 4]] as const) {
    if (hasMoreKeysThan(fields[field], max)) {
      throw invalidRequest(`Invalid '${field}': too many properties. Expected an object with at most ${max} properties.`, field, 'invalid_request_error');
    }
  }
  refuseUnsupportedTypes(fields);
  const taken = takeReferences(fields);
  const r = isValidRequest(taken.body) ? taken.body : parseReporting(taken.body);
  const unportable = unportableFields(r);
  const store = r.store ?? true;
  const previousResponseId = r.previous_response_id ?? undefined;

  const plan = toToolPlan(r.tools, r.tool_choice);
  if (plan.webSearch && r.max_tool_calls != null) {
    throw invalidRequest("Unsupported parameter: 'max_tool_calls' with web search: this server's search loop has its own limit (search.max_searches).", 'max_tool_calls', 'unsupported_parameter');
  }
  const include = r.include ?? [];
  const stream = r.stream === true;
  const sealed: SealedReasoning[] = [];
  // With stored items to fetch first, the messages are made once they are (state.ts).
  const deferred = previousResponseId !== undefined || taken.references.length > 0;
  const prompt = deferred ? undefined : toCanonicalMessages(r.instructions, r.input, sealed);
  const request: ChatRequest = {
    model: r.model,
    messages: prompt?.messages ?? [],
    stream,
    // A Responses stream always ends with the usage.
    includeUsage: stream,
    n: 1,
    extra: Object.create(null) as Record<string, unknown>,
    // The body as it came, for a Responses backend; its conversation is made in `prepare` (state.ts).
    passthrough: { protocol: 'responses', body: fields, unportable },
  };
  if (prompt !== undefined) request.clientPaths = prompt;
  if (!deferred && request.messages.length === 0) throw invalidRequest("Invalid 'input': it holds no message to answer.", 'input', 'invalid_request_error');
  if (r.max_output_tokens != null) request.maxTokens = r.max_output_tokens;
  if (r.temperature != null) request.temperature = r.temperature;
  if (r.top_p != null) request.topP = r.top_p;
  const user = r.safety_identifier ?? r.user;
  if (user != null) request.user = user;
  if (plan.tools.length > 0) request.tools = plan.tools;
  if (plan.toolChoice !== undefined) request.toolChoice = plan.toolChoice;
  if (r.parallel_tool_calls != null) request.parallelToolCalls = r.parallel_tool_calls;
  const format = r.text?.format;
  if (format != null) request.responseFormat = toResponseFormat(format);
  const effort = toEffort(r.reasoning?.effort);
  if (effort !== undefined) request.reasoning = { effort };
  if (plan.webSearch) {
    // Served like `enable_search` on the Chat path: Lingua's search loop, or a backend that searches natively (src/search/).
    request.extra.enable_search = true;
    if (plan.forcedSearch) request.extra.search_options = { forced_search: true };
  }
  return Object.assign(request, {
    responses: {
      echo: echoOf(r, store),
      custom: plan.custom,
      namespaced: plan.namespaced,
      encryptedReasoning: include.includes('reasoning.encrypted_content'),
      store,
      kept: new Map(),
      input: { instructions: r.instructions ?? undefined, items: r.input, references: taken.references, previousResponseId, sealed },
    },
  });
}

const isValidRequest = compileCheck(responsesRequestSchema);

/** zod's parse of a body the compiled check rejected: the 400 that names the field. */
function parseReporting(body: unknown): ResponsesRequestBody {
  const parsed = safeParseReporting(responsesRequestSchema, body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/**
 * Item and tool types this server does not serve, refused by name before
 * validation (a union's error would name the wrong field).
 */
function refuseUnsupportedTypes(fields: Record<string, unknown>): void {
  const { input, tools } = fields;
  if (Array.isArray(input)) {
    const n = Math.min(input.length, responsesBounds.input);
    for (let i = 0; i < n; i++) {
      const item: unknown = input[i];
      if (typeof item !== 'object' || item === null || isItemReference(item)) continue;
      const { type } = item as Record<string, unknown>;
      if (typeof type === 'string' && !supportedItemTypes.has(type)) {
        throw invalidRequest(`Unsupported value: 'input[${i}].type' '${type}' is not supported by this server (supported: ${[...supportedItemTypes].join(', ')}, item_reference).`, `input[${i}].type`, 'unsupported_value');
      }
    }
  }
  if (Array.isArray(tools)) {
    const n = Math.min(tools.length, responsesBounds.tools);
    for (let i = 0; i < n; i++) {
      const type = (tools[i] as Record<string, unknown> | null)?.type;
      if (typeof type === 'string' && !supportedToolTypes.has(type)) {
        throw invalidRequest(`Unsupported value: 'tools[${i}].type' '${type}' is not supported by this server (supported: function, custom, web_search).`, `tools[${i}].type`, 'unsupported_value');
      }
    }
  }
}

/** `{type: "item_reference", id}`, or an item that is only an id (the API takes both). */
function isItemReference(item: object): boolean {
  const { type, role, id } = item as Record<string, unknown>;
  return type === 'item_reference' || (type == null && role === undefined && typeof id === 'string');
}

/**
 * The input's item references, taken out of the body to validate (they are
 * resolved against the stored conversation once the caller is known:
 * state.ts), and where each was.
 */
function takeReferences(fields: Record<string, unknown>): { body: unknown; references: ItemReference[] } {
  const { input } = fields;
  if (!Array.isArray(input) || !input.some((item) => typeof item === 'object' && item !== null && isItemReference(item))) return { body: fields, references: [] };
  const references: ItemReference[] = [];
  const kept: unknown[] = [];
  input.forEach((item: unknown, at) => {
    if (typeof item !== 'object' || item === null || !isItemReference(item)) return void kept.push(item);
    const { id } = item as { id?: unknown };
    if (typeof id !== 'string' || id === '') throw invalidRequest(`Invalid 'input[${at}].id': an item reference needs the id of an item.`, `input[${at}].id`, 'invalid_request_error');
    references.push({ at, before: kept.length, id });
  });
  return { body: { ...fields, input: kept }, references };
}

/**
 * Fields the canonical request cannot carry, with a value that would change
 * the answer: refused here when no backend can serve them; returned when
 * only a Responses backend can (it is sent the client's body: passthrough.ts),
 * for any other backend to refuse by name.
 */
function unportableFields(r: ResponsesRequestBody): string[] {
  const refuse = (param: string, why: string): never => {
    throw invalidRequest(`Unsupported parameter: '${param}' ${why}`, param, 'unsupported_parameter');
  };
  if (r.conversation != null) refuse('conversation', 'is not supported: this server stores no conversations. Send the whole conversation in \'input\'.');
  if (r.prompt != null) refuse('prompt', 'is not supported: this server has no stored prompt templates. Send the prompt in \'instructions\' and \'input\'.');
  if (r.background === true) refuse('background', 'is not supported: responses are generated while the request is open.');
  if (r.moderation != null) refuse('moderation', 'is not supported: this server runs no moderation model.');
  const unportable: string[] = [];
  if (r.context_management != null) unportable.push('context_management');
  if (r.truncation === 'auto') unportable.push('truncation');
  if (r.top_logprobs != null && r.top_logprobs > 0) unportable.push('top_logprobs');
  if (r.include?.includes('message.output_text.logprobs')) unportable.push('include');
  if (r.service_tier != null && r.service_tier !== 'auto' && r.service_tier !== 'default') unportable.push('service_tier');
  if (r.text?.verbosity != null && r.text.verbosity !== 'medium') unportable.push('text.verbosity');
  return unportable;
}

function toResponseFormat(format: NonNullable<NonNullable<ResponsesRequestBody['text']>['format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    schema: format.schema,
    ...(format.strict == null ? {} : { strict: format.strict }),
    ...(format.description == null ? {} : { description: format.description }),
  };
}

/** `xhigh` is the top of Lingua's scale, `high`. */
function toEffort(effort: NonNullable<ResponsesRequestBody['reasoning']>['effort']): ReasoningEffort | undefined {
  if (effort == null) return undefined;
  return effort === 'xhigh' ? 'high' : effort;
}

/** The response object's fields that repeat the request, with the API's defaults. */
function echoOf(r: ResponsesRequestBody, store: boolean): Record<string, unknown> {
  return {
    instructions: r.instructions ?? null,
    max_output_tokens: r.max_output_tokens ?? null,
    max_tool_calls: r.max_tool_calls ?? null,
    metadata: r.metadata ?? {},
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: r.previous_response_id ?? null,
    prompt_cache_key: r.prompt_cache_key ?? null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? r.reasoning?.generate_summary ?? null },
    safety_identifier: r.safety_identifier ?? null,
    service_tier: 'default',
    store,
    temperature: r.temperature ?? null,
    text: { format: r.text?.format ?? { type: 'text' }, verbosity: r.text?.verbosity ?? 'medium' },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_logprobs: r.top_logprobs ?? 0,
    top_p: r.top_p ?? null,
    truncation: r.truncation ?? 'disabled',
    user: r.user ?? null,
    background: false,
  };
}
