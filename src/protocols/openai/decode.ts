import type { ChatRequest, Message, ReasoningPart, ResponseFormat, TextPart, UserPart } from '../../canonical/index.js';
import { invalidRequest } from '../../canonical/index.js';
import { compileCheck } from '../../lib/compiled-check.js';
import { hasMoreKeysThan } from '../../lib/key-count.js';
import { safeParseReporting, validationError } from '../../lib/validation-error.js';
import { chatOrigin } from './client-paths.js';
import { toUserPart } from './to-canonical-part.js';
import { applyToolChoice, toTool } from './tools.js';
import { chatCompletionRequestSchema, modelledFields, openAIBounds, type ChatCompletionMessage, type ChatCompletionRequest } from './request-schema.js';

/** An OpenAI Chat Completions body as a canonical request; bad input throws a 400 naming the field. */
export function decodeChatCompletion(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', undefined, 'invalid_request_error');
  }
  refuseLargeRecords(body as Record<string, unknown>);
  const r = isValidRequest(body) ? body : parseReporting(body);

  const request: ChatRequest = {
    model: r.model,
    messages: r.messages.map(toMessage),
    stream: r.stream === true,
    includeUsage: r.stream === true && r.stream_options?.include_usage === true,
    n: r.n ?? 1,
    extra: extraFields(body as Record<string, unknown>),
    extraProtocol: 'openai',
  };
  request.clientPaths = { messages: request.messages, origins: r.messages.map(chatOrigin) };
  const maxTokens = r.max_completion_tokens ?? r.max_tokens;
  if (maxTokens != null) request.maxTokens = maxTokens;
  if (r.temperature != null) request.temperature = r.temperature;
  if (r.top_p != null) request.topP = r.top_p;
  if (typeof r.top_k === 'number' && r.top_k >= 0) request.topK = r.top_k;
  if (r.stop != null) {
    const stop = typeof r.stop === 'string' ? [r.stop] : r.stop;
    if (stop.length > 0) request.stop = stop;
  }
  if (r.presence_penalty != null) request.presencePenalty = r.presence_penalty;
  if (r.frequency_penalty != null) request.frequencyPenalty = r.frequency_penalty;
  if (r.logit_bias != null) request.logitBias = r.logit_bias;
  if (r.seed != null) request.seed = r.seed;
  if (r.user != null) request.user = r.user;
  if (r.tools != null && r.tools.length > 0) request.tools = r.tools.map(toTool);
  if (r.tool_choice != null) applyToolChoice(r.tool_choice, r.tools ?? [], request);
  if (r.parallel_tool_calls != null) request.parallelToolCalls = r.parallel_tool_calls;
  if (r.response_format != null) request.responseFormat = toResponseFormat(r.response_format);
  if (r.reasoning_effort != null) request.reasoning = { effort: r.reasoning_effort };
  return request;
}

const isValidRequest = compileCheck(chatCompletionRequestSchema);

/** zod's parse of a body the compiled check rejected: the 400 that names the field. */
function parseReporting(body: unknown): ChatCompletionRequest {
  const parsed = safeParseReporting(chatCompletionRequestSchema, body);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** `logit_bias` and `metadata` beyond their bounds, refused before any entry is read. */
function refuseLargeRecords(body: Record<string, unknown>): void {
  for (const [field, max] of [['logit_bias', openAIBounds.logitBias], ['metadata', openAIBounds.metadata]] as const) {
    if (hasMoreKeysThan(body[field], max)) {
      throw invalidRequest(`Invalid '${field}': too many properties. Expected an object with at most ${max} properties.`, field, 'invalid_request_error');
    }
  }
}

/**
 * The body's own top-level fields that Lingua does not model, in a
 * null-prototype object: a `__proto__` key that got this far would be a
 * plain entry here, never the bag's prototype, and reading a name that is
 * absent finds nothing inherited.
 */
function extraFields(body: Record<string, unknown>): Record<string, unknown> {
  const extra = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!modelledFields.has(key)) extra[key] = body[key];
  }
  return extra;
}

function toResponseFormat(format: NonNullable<ChatCompletionRequest['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const s = format.json_schema;
  return {
    type: 'json_schema',
    name: s.name,
    schema: s.schema ?? {},
    ...(s.strict == null ? {} : { strict: s.strict }),
    ...(s.description == null ? {} : { description: s.description }),
  };
}

function textParts(content: string | Array<{ type: 'text'; text: string }>): TextPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content.map((p) => ({ type: 'text', text: p.text }));
}

type ThinkingBlock = NonNullable<Extract<ChatCompletionMessage, { role: 'assistant' }>['thinking_blocks']>[number];

/** A `thinking_blocks` entry as a reasoning part; an empty signature is no signature (the block cannot be verified). */
function toReasoningPart(b: ThinkingBlock): ReasoningPart {
  if (b.type === 'redacted_thinking') return { type: 'reasoning', text: '', redacted: b.data };
  return b.signature == null || b.signature === '' ? { type: 'reasoning', text: b.thinking } : { type: 'reasoning', text: b.thinking, signature: b.signature };
}

function toMessage(m: ChatCompletionMessage, i: number): Message {
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textParts(m.content) };
    case 'user': {
      const content: UserPart[] = typeof m.content === 'string'
        ? [{ type: 'text', text: m.content }]
        : m.content.map((p, j) => toUserPart(p, `messages[${i}].content[${j}]`));
      return { role: 'user', content, ...(m.name == null ? {} : { name: m.name }) };
    }
    case 'assistant': {
      const content: Extract<Message, { role: 'assistant' }>['content'] = [];
      // Signed blocks (Lingua's `thinking_blocks`) stand for the reasoning whole; `reasoning_content` is then the same text joined.
      if (m.thinking_blocks != null && m.thinking_blocks.length > 0) content.push(...m.thinking_blocks.map(toReasoningPart));
      else if (m.reasoning_content != null && m.reasoning_content !== '') content.push({ type: 'reasoning', text: m.reasoning_content });
      if (typeof m.content === 'string') {
        if (m.content !== '') content.push({ type: 'text', text: m.content });
      } else if (m.content != null) {
        for (const p of m.content) content.push({ type: 'text', text: p.type === 'text' ? p.text : p.refusal });
      }
      for (const call of m.tool_calls ?? []) {
        content.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
      return { role: 'assistant', content, ...(m.name == null ? {} : { name: m.name }) };
    }
    case 'tool':
      return {
        role: 'tool',
        content: [{ type: 'tool_result', toolCallId: m.tool_call_id, content: typeof m.content === 'string' ? m.content : textParts(m.content) }],
      };
  }
}
