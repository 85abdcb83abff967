import { z } from 'zod';

/**
 * The OpenAI Chat Completions request, as the API documents it. Every
 * optional field also accepts `null` (the official SDKs send it).
 * Unknown top-level fields are kept (passed through to the upstream).
 */

const text = z.string();
const textPart = z.object({ type: z.literal('text'), text }).loose();
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }).loose(),
}).loose();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: text }).loose();

const systemContent = z.union([text, z.array(textPart).min(1)]);
const userPart = z.discriminatedUnion('type', [textPart, imagePart]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }).loose(),
}).loose();

const systemMessage = z.object({ role: z.literal('system'), content: systemContent, name: z.string().nullish() }).loose();
const developerMessage = z.object({ role: z.literal('developer'), content: systemContent, name: z.string().nullish() }).loose();
const userMessage = z.object({
  role: z.literal('user'),
  content: z.union([text, z.array(userPart).min(1)]),
  name: z.string().nullish(),
}).loose();
const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([text, z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
  tool_calls: z.array(toolCall).nullish(),
  reasoning_content: z.string().nullish(),
  refusal: z.string().nullish(),
  name: z.string().nullish(),
}).loose();
const toolMessage = z.object({
  role: z.literal('tool'),
  tool_call_id: z.string().min(1),
  content: z.union([text, z.array(textPart)]),
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

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }).loose() }).loose(),
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

export const chatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: positiveInt.max(128).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logit_bias: z.record(z.string().regex(/^\d+$/, 'keys must be token ids'), z.number().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  user: z.string().nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  seed: z.int().nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high']).nullish(),
  modalities: z.array(z.enum(['text', 'audio'])).nullish(),
  audio: z.record(z.string(), z.unknown()).nullish(),
}).loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatCompletionMessage = z.infer<typeof message>;

/** Fields read into the canonical request; any other top-level field is passed through. */
export const modelledFields = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'n', 'stop', 'max_tokens',
  'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'logit_bias', 'user', 'tools',
  'tool_choice', 'parallel_tool_calls', 'response_format', 'seed', 'reasoning_effort',
]);
