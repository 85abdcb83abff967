import { z } from 'zod';
import { openAIBounds } from '../openai/request-schema.js';

/**
 * The OpenAI Responses request (`POST /v1/responses`), as the API
 * reference documents it. Optional fields also accept `null` (the SDKs send
 * it). Inner objects are `.loose()` (clients send item fields such as
 * `status` or `phase` back as they got them); the decoder refuses unknown
 * top-level fields, as the API does.
 */

/**
 * How many of each thing a request may hold: OpenAI's limits where its
 * reference gives one, the Chat path's (`openAIBounds`) or ours where it is
 * silent (docs/responses.md).
 */
export const responsesBounds = {
  model: openAIBounds.model,
  /** Ours, as Chat's `messages`: items of `input`. */
  input: openAIBounds.messages,
  /** Ours, as Chat's: content parts of one item (and summary parts of a reasoning item). */
  parts: openAIBounds.parts,
  /** Ours: OpenAI documents none for Responses; Codex with MCP servers sends many. */
  tools: 1_024,
  /** The number of documented `include` values, each at most once in practice. */
  include: 16,
  /** OpenAI: "Set of 16 key-value pairs … keys … 64 characters … values … 512 characters." */
  metadata: openAIBounds.metadata,
  metadataKey: openAIBounds.metadataKey,
  metadataValue: openAIBounds.metadataValue,
  /** OpenAI: "a maximum length of 64 characters". */
  safetyIdentifier: 64,
  /** Ours: characters of `prompt_cache_key`, ids and names in items. */
  key: 1_024,
  /** OpenAI: `max_output_tokens` below 16 is refused. */
  minOutputTokens: 16,
} as const;

const text = z.string();
const nameRegex = /^[a-zA-Z0-9_-]{1,64}$/;
const toolName = z.string().regex(nameRegex, 'must be 1 to 64 letters, digits, underscores or dashes');
const itemStatus = z.enum(['in_progress', 'completed', 'incomplete']).nullish();
const id = z.string().min(1).max(responsesBounds.key);

export const inputTextPart = z.object({ type: z.literal('input_text'), text }).loose();
export const inputImagePart = z.object({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
}).loose();
export const inputFilePart = z.object({
  type: z.literal('input_file'),
  file_data: z.string().nullish(),
  file_id: z.string().nullish(),
  file_url: z.string().nullish(),
  filename: z.string().nullish(),
}).loose();
const outputTextPart = z.object({
  type: z.literal('output_text'),
  text,
  annotations: z.array(z.unknown()).max(responsesBounds.parts).nullish(),
}).loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: text }).loose();

const inputContent = z.discriminatedUnion('type', [inputTextPart, inputImagePart, inputFilePart]);
const inputContentList = z.array(inputContent).max(responsesBounds.parts);

const messageBase = { type: z.literal('message').optional(), id: id.nullish(), status: itemStatus };
const userMessage = z.object({ ...messageBase, role: z.literal('user'), content: z.union([text, inputContentList]) }).loose();
const systemMessage = z.object({ ...messageBase, role: z.literal('system'), content: z.union([text, inputContentList]) }).loose();
const developerMessage = z.object({ ...messageBase, role: z.literal('developer'), content: z.union([text, inputContentList]) }).loose();
const assistantMessage = z.object({
  ...messageBase,
  role: z.literal('assistant'),
  // Output parts as the API returned them; `input_text` as some clients write history.
  content: z.union([text, z.array(z.discriminatedUnion('type', [outputTextPart, refusalPart, inputTextPart])).max(responsesBounds.parts)]),
}).loose();

const message = z.discriminatedUnion('role', [userMessage, systemMessage, developerMessage, assistantMessage], {
  error: (issue) => issue.code === 'invalid_union' && issue.note === 'No matching discriminator'
    ? "expected one of 'user', 'assistant', 'system', 'developer'"
    : undefined,
});

const functionCall = z.object({
  type: z.literal('function_call'),
  id: id.nullish(),
  call_id: id,
  name: z.string().min(1).max(responsesBounds.key),
  /** The namespace tool the function belongs to. */
  namespace: z.string().min(1).max(responsesBounds.key).nullish(),
  arguments: text,
  status: itemStatus,
}).loose();
const toolOutput = z.union([text, inputContentList]);
const functionCallOutput = z.object({ type: z.literal('function_call_output'), id: id.nullish(), call_id: id, output: toolOutput, status: itemStatus }).loose();
const customToolCall = z.object({
  type: z.literal('custom_tool_call'),
  id: id.nullish(),
  call_id: id,
  name: z.string().min(1).max(responsesBounds.key),
  namespace: z.string().min(1).max(responsesBounds.key).nullish(),
  input: text,
}).loose();
const customToolCallOutput = z.object({ type: z.literal('custom_tool_call_output'), id: id.nullish(), call_id: id, output: toolOutput }).loose();
const reasoning = z.object({
  type: z.literal('reasoning'),
  id: id.nullish(),
  summary: z.array(z.object({ type: z.literal('summary_text'), text }).loose()).max(responsesBounds.parts),
  content: z.array(z.object({ type: z.literal('reasoning_text'), text }).loose()).max(responsesBounds.parts).nullish(),
  encrypted_content: z.string().nullish(),
  status: itemStatus,
}).loose();
/** A search the API ran: history only (it carries the query, not the results). */
const webSearchCall = z.object({ type: z.literal('web_search_call'), id: id.nullish(), status: z.string().nullish() }).loose();

const typedItem = z.discriminatedUnion('type', [functionCall, functionCallOutput, customToolCall, customToolCallOutput, reasoning, webSearchCall]);

/** One item of `input`: a message (`type` may be left out) or a typed item. */
export const inputItem = z.union([message, typedItem]);

/** The item types the decoder reads; others are refused by name before validation. */
export const supportedItemTypes = new Set(['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning', 'web_search_call']);

const functionTool = z.object({
  type: z.literal('function'),
  name: toolName,
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
}).loose();
const customTool = z.object({
  type: z.literal('custom'),
  name: toolName,
  description: z.string().nullish(),
  format: z.discriminatedUnion('type', [
    z.object({ type: z.literal('text') }).loose(),
    z.object({ type: z.literal('grammar'), syntax: z.enum(['lark', 'regex']), definition: text }).loose(),
  ]).nullish(),
}).loose();
export const webSearchToolTypes = ['web_search', 'web_search_2025_08_26', 'web_search_preview', 'web_search_preview_2025_03_11'] as const;
const webSearchTool = z.object({
  type: z.enum(webSearchToolTypes),
  filters: z.object({ allowed_domains: z.array(z.string()).max(responsesBounds.parts).nullish() }).loose().nullish(),
  search_context_size: z.enum(['low', 'medium', 'high']).nullish(),
  user_location: z.record(z.string(), z.unknown()).nullish(),
  /** Codex's "cached" web search mode sends `false`. */
  external_web_access: z.boolean().nullish(),
}).loose();

/** A group of functions (and custom tools) under one name: their calls carry it as `namespace`. */
const namespaceTool = z.object({
  type: z.literal('namespace'),
  name: toolName,
  description: z.string().nullish(),
  tools: z.array(z.discriminatedUnion('type', [functionTool, customTool])).max(responsesBounds.tools),
}).loose();

const tool = z.union([functionTool, customTool, namespaceTool, webSearchTool]);

/** The tool types the decoder reads; others are refused by name before validation. */
export const supportedToolTypes = new Set<string>(['function', 'custom', 'namespace', ...webSearchToolTypes]);

const hostedToolChoiceTypes = [
  'web_search_preview', 'web_search_preview_2025_03_11', 'web_search', 'web_search_2025_08_26',
  'file_search', 'computer', 'computer_use', 'computer_use_preview', 'image_generation', 'code_interpreter', 'mcp', 'shell', 'apply_patch',
] as const;

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string().min(1) }).loose(),
  z.object({ type: z.literal('custom'), name: z.string().min(1) }).loose(),
  z.object({ type: z.enum(hostedToolChoiceTypes) }).loose(),
  z.object({
    type: z.literal('allowed_tools'),
    mode: z.enum(['auto', 'required']),
    tools: z.array(z.record(z.string(), z.unknown())).max(responsesBounds.tools),
  }).loose(),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z.object({
    type: z.literal('json_schema'),
    name: toolName,
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }).loose(),
]);

export const includeValues = [
  'reasoning.encrypted_content', 'message.output_text.logprobs', 'web_search_call.action.sources', 'web_search_call.results',
  'code_interpreter_call.outputs', 'computer_call_output.output.image_url', 'file_search_call.results', 'message.input_image.image_url',
] as const;

export const responsesRequestSchema = z.object({
  model: z.string().min(1).max(responsesBounds.model),
  input: z.union([text, z.array(inputItem).max(responsesBounds.input)]),
  instructions: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_obfuscation: z.boolean().nullish() }).loose().nullish(),
  include: z.array(z.enum(includeValues)).max(responsesBounds.include).nullish(),
  tools: z.array(tool).max(responsesBounds.tools).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tool_calls: z.int().min(1).nullish(),
  reasoning: z.object({
    effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
    summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    /** Deprecated name of `summary`. */
    generate_summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
  }).loose().nullish(),
  text: z.object({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).loose().nullish(),
  max_output_tokens: z.int().min(responsesBounds.minOutputTokens).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  truncation: z.enum(['auto', 'disabled']).nullish(),
  /** At most `responsesBounds.metadata` entries: counted by the decoder. */
  metadata: z.record(z.string().max(responsesBounds.metadataKey), z.string().max(responsesBounds.metadataValue)).nullish(),
  prompt_cache_key: z.string().max(responsesBounds.key).nullish(),
  prompt_cache_retention: z.enum(['in_memory', '24h']).nullish(),
  safety_identifier: z.string().max(responsesBounds.safetyIdentifier).nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullish(),
  user: z.string().max(responsesBounds.key).nullish(),
  /** What the Codex CLI sends about itself (thread, turn, window ids): at most `responsesBounds.metadata * 4` entries, counted by the decoder. */
  client_metadata: z.record(z.string().max(responsesBounds.key), z.string().max(responsesBounds.key * 16)).nullish(),
  background: z.boolean().nullish(),
  // Read only to be refused by name (docs/responses.md): their shapes are the API's, not checked further.
  conversation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  context_management: z.unknown().optional(),
  moderation: z.unknown().optional(),
  prompt_cache_options: z.unknown().optional(),
}).loose();

export type ResponsesRequestBody = z.infer<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.infer<typeof inputItem>;
export type ResponsesTool = z.infer<typeof tool>;
export type FunctionTool = z.infer<typeof functionTool>;
export type CustomTool = z.infer<typeof customTool>;
export type ResponsesToolChoice = z.infer<typeof toolChoice>;
export type InputContent = z.infer<typeof inputContent>;

/** Every top-level field of the API; any other is refused (`Unknown parameter`). */
export const knownFields = new Set(Object.keys(responsesRequestSchema.shape));
