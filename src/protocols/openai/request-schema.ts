import { z } from 'zod';

/**
 * The OpenAI Chat Completions request, as the API documents it. Every
 * optional field also accepts `null` (the official SDKs send it).
 * Unknown top-level fields are kept (passed through to the upstream).
 */

/**
 * How many of each thing a request may hold: OpenAI's own limits where its
 * API reference gives one, Lingua's where it is silent (README, "Request
 * bounds"). An array over its bound is refused before its elements are
 * read, so no request costs more than its bounds allow; the body limit
 * (`server.body_limit_mb`) bounds the text.
 */
export const openAIBounds = {
  /** Ours: characters of `model` (OpenAI documents none; Anthropic's is 256). */
  model: 256,
  /** Ours: OpenAI documents none (Anthropic's documented limit, for both protocols alike). */
  messages: 100_000,
  /** Ours, per message: content parts, and an assistant message's tool calls. */
  parts: 10_000,
  /** OpenAI: "Up to 4 sequences". */
  stop: 4,
  /** Ours: characters per stop sequence (OpenAI documents none). */
  stopLength: 1_024,
  /** OpenAI: "A max of 128 functions are supported." */
  tools: 128,
  /** OpenAI: `n` from 1 to 128. */
  n: 128,
  /** Ours: token ids in `logit_bias` (OpenAI documents none). */
  logitBias: 1_024,
  /** OpenAI: "Set of 16 key-value pairs … keys … 64 characters … values … 512 characters." */
  metadata: 16,
  metadataKey: 64,
  metadataValue: 512,
} as const;

const text = z.string();
const textPart = z.object({ type: z.literal('text'), text }).loose();
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }).loose(),
}).loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: text }).loose();

const systemContent = z.union([text, z.array(textPart).min(1).max(openAIBounds.parts)]);
/** Audio input (gpt-4o-audio models): base64 data in wav or mp3. */
const inputAudioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string().min(1), format: z.enum(['wav', 'mp3']) }).loose(),
}).loose();
/** A file (a PDF): inline as a `data:` URL with its name, or a Files API id (one of them: checked by the decoder). */
const filePart = z.object({
  type: z.literal('file'),
  file: z.object({ file_data: z.string().min(1).nullish(), file_id: z.string().min(1).nullish(), filename: z.string().nullish() }).loose(),
}).loose();
const userPart = z.discriminatedUnion('type', [textPart, imagePart, inputAudioPart, filePart]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }).loose(),
}).loose();

const systemMessage = z.object({ role: z.literal('system'), content: systemContent, name: z.string().nullish() }).loose();
const developerMessage = z.object({ role: z.literal('developer'), content: systemContent, name: z.string().nullish() }).loose();
const userMessage = z.object({
  role: z.literal('user'),
  content: z.union([text, z.array(userPart).min(1).max(openAIBounds.parts)]),
  name: z.string().nullish(),
}).loose();
/**
 * A signed reasoning block as Lingua returns it beside `reasoning_content`
 * (docs/anthropic-provider.md, "Thinking across protocols"): sent back on
 * the next turn, it reaches a
 * backend that checks signatures (Anthropic) unchanged.
 */
const thinkingBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thinking'), thinking: text, signature: z.string().nullish() }).loose(),
  z.object({ type: z.literal('redacted_thinking'), data: z.string().min(1) }).loose(),
]);

const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([text, z.array(z.discriminatedUnion('type', [textPart, refusalPart])).max(openAIBounds.parts)]).nullish(),
  tool_calls: z.array(toolCall).max(openAIBounds.parts).nullish(),
  reasoning_content: z.string().nullish(),
  thinking_blocks: z.array(thinkingBlock).max(openAIBounds.parts).nullish(),
  refusal: z.string().nullish(),
  name: z.string().nullish(),
}).loose();
const toolMessage = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string().min(1),
  content: z.union([text, z.array(textPart).max(openAIBounds.parts)]),
}).loose();

const message = z.discriminatedUnion('role', [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage], {
  error: (issue) => issue.code === 'invalid_union' && issue.note === 'No matching discriminator'
    ? "expected one of 'system', 'developer', 'user', 'assistant', 'tool'"
    : undefined,
});

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }).loose(),
}).loose();

/**
 * A custom (freeform) tool: its input is one text, free or matching a
 * grammar. Every backend gets a function of one string argument (as the
 * Responses protocol's custom tools: src/protocols/responses/tools.ts).
 */
const customTool = z.object({
  type: z.literal('custom'),
  custom: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
    description: z.string().nullish(),
    format: z.discriminatedUnion('type', [
      z.object({ type: z.literal('text') }).loose(),
      z.object({ type: z.literal('grammar'), grammar: z.object({ definition: z.string(), syntax: z.enum(['lark', 'regex']) }).loose() }).loose(),
    ]).nullish(),
  }).loose(),
}).loose();

const namedFunction = z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }).loose() }).loose();
const namedCustom = z.object({ type: z.literal('custom'), custom: z.object({ name: z.string().min(1) }).loose() }).loose();

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    namedFunction,
    namedCustom,
    z.object({
      type: z.literal('allowed_tools'),
      allowed_tools: z.object({
        mode: z.enum(['auto', 'required']),
        tools: z.array(z.discriminatedUnion('type', [namedFunction, namedCustom])).min(1).max(openAIBounds.tools),
      }).loose(),
    }).loose(),
  ]),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }).loose(),
  z.object({ type: z.literal('json_object') }).loose(),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, underscores or dashes'),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }).loose(),
  }).loose(),
]);

const positiveInt = z.int().min(1);
const stopSequence = z.string().max(openAIBounds.stopLength);

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1).max(openAIBounds.model),
  messages: z.array(message).min(1).max(openAIBounds.messages),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** A common extension (vLLM, llama.cpp, Anthropic's own sampling): -1, vLLM's "off", is the same as leaving it out. */
  // -1 (vLLM's) and false say "off", as null does.
  top_k: z.union([z.int().min(-1), z.literal(false)]).nullish(),
  n: positiveInt.max(openAIBounds.n).nullish(),
  stop: z.union([stopSequence, z.array(stopSequence).max(openAIBounds.stop)]).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  /** At most `openAIBounds.logitBias` entries: counted by the decoder (a record has no size in JSON Schema's zod form). */
  logit_bias: z.record(z.string().regex(/^\d+$/, 'keys must be token ids'), z.number().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  user: z.string().nullish(),
  tools: z.array(z.discriminatedUnion('type', [tool, customTool])).max(openAIBounds.tools).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  seed: z.int().nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  audio: z.record(z.string(), z.unknown()).nullish(),
  // Passed through to OpenAI-compatible backends (not modelled), checked by type so that a wrong one is Lingua's 400, not the upstream's.
  store: z.boolean().nullish(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullish(),
  prediction: z.object({ type: z.literal('content'), content: z.union([text, z.array(textPart).max(openAIBounds.parts)]) }).loose().nullish(),
  web_search_options: z.object({
    search_context_size: z.enum(['low', 'medium', 'high']).nullish(),
    user_location: z.object({ type: z.literal('approximate'), approximate: z.record(z.string(), z.unknown()) }).loose().nullish(),
  }).loose().nullish(),
  verbosity: z.enum(['low', 'medium', 'high']).nullish(),
  prompt_cache_key: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  /** Passed through (not modelled); its size is counted by the decoder, like `logit_bias`'s. */
  metadata: z.record(z.string().max(openAIBounds.metadataKey), z.string().max(openAIBounds.metadataValue)).nullish(),
}).loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatCompletionMessage = z.infer<typeof message>;
export type ChatCompletionTool = z.infer<typeof tool> | z.infer<typeof customTool>;

/** Fields read into the canonical request; any other top-level field is passed through. */
export const modelledFields = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'top_k', 'n', 'stop', 'max_tokens',
  'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'tools',
  'tool_choice', 'parallel_tool_calls', 'response_format', 'seed', 'reasoning_effort',
]);
