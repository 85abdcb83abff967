import { z } from 'zod';

/**
 * The Anthropic Messages request, as the API documents it. Blocks keep
 * fields Lingua does not read (`cache_control`, `citations`, …); unknown
 * top-level fields are refused by the decoder unless listed in
 * `ignoredFields`. A string where blocks may stand (`content`, `system`)
 * is kept as it is, and read as one text block by the decoder: the schema
 * changes nothing it parses, so that the decoder's compiled check
 * (src/lib/compiled-check.ts) can stand in for it on valid bodies.
 */

/**
 * How many of each thing a request may hold: Anthropic's own limits where
 * its API reference gives one, Lingua's where it is silent
 * (docs/anthropic.md, "Request bounds"). An array over its bound is
 * refused before its elements are read; the body limit
 * (`server.body_limit_mb`) bounds the text.
 */
export const anthropicBounds = {
  /** Anthropic: "There is a limit of 100,000 messages in a single request." */
  messages: 100_000,
  /** Anthropic: `model`, "Required string length: 1 - 256". */
  model: 256,
  /** Ours: blocks in one message's content, in `system`, in one tool result (Anthropic documents none). */
  blocks: 10_000,
  /** Ours: Anthropic documents none (OpenAI's is 128; Claude Code with many MCP servers sends more). */
  tools: 1_000,
  /**
   * Ours: Anthropic documents none (Amazon Bedrock's Claude documentation
   * allows 8,191). Where Lingua finds the stop sequence that ended the text
   * itself (stop-sequence-tail.ts), each streamed character costs a step per
   * stop sequence.
   */
  stopSequences: 64,
  /** Ours: characters per stop sequence. */
  stopLength: 1_024,
  /** Ours: `mcp_servers` entries (Anthropic documents none). */
  mcpServers: 64,
} as const;

/** A string (one text block) or a list of blocks. */
const textOrBlocks = <T extends z.ZodType>(block: T) => z.union([z.string(), z.array(block).max(anthropicBounds.blocks)]);

const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).nullish() }).loose().nullish();

const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl }).loose();

const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string().min(1),
    }).loose(),
    z.object({ type: z.literal('url'), url: z.string().min(1) }).loose(),
  ]),
  cache_control: cacheControl,
}).loose();

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
}).loose();

const citations = z.object({ enabled: z.boolean().nullish() }).loose().nullish();

/** A document the model reads: a PDF (inline or by URL), a plain text, content blocks, or a Files API id. */
const documentBlock = z.object({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string().min(1) }).loose(),
    z.object({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }).loose(),
    z.object({ type: z.literal('url'), url: z.string().min(1) }).loose(),
    z.object({ type: z.literal('content'), content: textOrBlocks(z.discriminatedUnion('type', [textBlock, imageBlock])) }).loose(),
    z.object({ type: z.literal('file'), file_id: z.string().min(1) }).loose(),
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations,
  cache_control: cacheControl,
}).loose();

/** A search result the client supplies, for the model to cite. */
const searchResultBlock = z.object({
  type: z.literal('search_result'),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlock).max(anthropicBounds.blocks),
  citations,
  cache_control: cacheControl,
}).loose();

/**
 * What a tool result may hold. Its document and search-result blocks
 * reach other backends as far as they can say them (docs/anthropic.md).
 */
const toolResultContentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, searchResultBlock]);

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: textOrBlocks(toolResultContentBlock).optional(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
}).loose();

const thinkingBlock = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  // Required by Anthropic; optional here so that blocks from backends without signatures round-trip.
  signature: z.string().nullish(),
}).loose();

const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string().min(1) }).loose();

/**
 * The blocks of a server tool's call and result (web search, web fetch,
 * code execution, MCP connector…) an assistant turn holds when the client
 * sends the conversation back: only an Anthropic backend can take them.
 */
export const serverToolBlockTypes = [
  'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
  'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'tool_search_tool_result',
  'mcp_tool_use', 'mcp_tool_result', 'container_upload',
] as const;
const serverToolBlock = z.object({ type: z.literal(serverToolBlockTypes) }).loose();

const contentBlock = z.discriminatedUnion('type', [
  textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock, documentBlock, searchResultBlock, serverToolBlock,
]);

const message = z.object({
  role: z.enum(['user', 'assistant', 'system']),
  content: textOrBlocks(contentBlock),
}).loose();

const tool = z.object({
  /**
   * `custom` or absent: a tool the client runs, which needs `input_schema`
   * (checked by the decoder). Any other type is a server or Anthropic-defined
   * tool (`web_search_20250305`, `code_execution_20250825`, `bash_20250124`…),
   * passed to an Anthropic backend as it came.
   */
  type: z.string().nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$'),
  description: z.string().nullish(),
  input_schema: z.object({ type: z.literal('object') }).loose().optional(),
  strict: z.boolean().nullish(),
  cache_control: cacheControl,
}).loose();

const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().nullish() }).loose(),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().nullish() }).loose(),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().nullish() }).loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

const thinking = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.int().min(1024), display: z.enum(['summarized', 'omitted']).nullish() }).loose(),
  z.object({ type: z.literal('disabled') }).loose(),
  z.object({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).nullish() }).loose(),
]);

const outputConfig = z.object({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).loose().nullish(),
}).loose();

/** Fields shared by `POST /v1/messages` and `POST /v1/messages/count_tokens`. */
const promptFields = {
  model: z.string().min(1).max(anthropicBounds.model),
  messages: z.array(message).min(1).max(anthropicBounds.messages),
  system: textOrBlocks(textBlock).optional(),
  tools: z.array(tool).max(anthropicBounds.tools).nullish(),
  tool_choice: toolChoice.nullish(),
  thinking: thinking.nullish(),
  output_config: outputConfig.nullish(),
};

export const messagesRequestSchema = z.object({
  ...promptFields,
  max_tokens: z.int().min(1),
  stream: z.boolean().nullish(),
  stop_sequences: z.array(z.string().min(1).max(anthropicBounds.stopLength)).max(anthropicBounds.stopSequences).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.int().min(0).nullish(),
  metadata: z.object({ user_id: z.string().nullish() }).loose().nullish(),
  context_management: z.object({ edits: z.array(z.object({ type: z.string() }).loose()).nullish() }).loose().nullish(),
  // Only an Anthropic backend honours these (`unportableFields`): sent to it as they came.
  container: z.union([z.string().min(1), z.object({}).loose()]).nullish(),
  mcp_servers: z.array(z.object({ type: z.literal('url'), url: z.string().min(1), name: z.string().min(1) }).loose()).max(anthropicBounds.mcpServers).nullish(),
}).loose();

/**
 * Fields that change what an Anthropic backend does and that no backend of
 * another protocol can do: such a backend refuses a request holding one,
 * naming it (src/canonical/passthrough.ts).
 */
export const unportableFields = ['container', 'mcp_servers'] as const;

/**
 * `POST /v1/messages/count_tokens`. Anthropic's own takes the prompt fields
 * (`model`, `messages`, `system`, `tools`, `tool_choice`, `thinking`,
 * `output_config`, …: its API reference) and refuses the others ("Extra
 * inputs are not permitted"). Lingua also takes a whole Messages body, so
 * that a client may count the very body it will send (docs/anthropic.md),
 * but checks each of its fields as `/v1/messages` does: only `max_tokens`
 * may be left out.
 */
export const countTokensRequestSchema = z.object({
  ...messagesRequestSchema.shape,
  max_tokens: z.int().min(1).optional(),
}).loose();

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;
export type AnthropicMessage = z.infer<typeof message>;
export type AnthropicContentBlock = z.infer<typeof contentBlock>;
export type AnthropicTextBlock = z.infer<typeof textBlock>;
export type AnthropicToolResultContentBlock = z.infer<typeof toolResultContentBlock>;
export type AnthropicTool = z.infer<typeof tool>;
export type AnthropicToolChoice = z.infer<typeof toolChoice>;

/**
 * Fields accepted and deliberately not applied (documented in
 * docs/anthropic.md): prompt-caching and routing hints with no meaning for
 * Lingua's backends, and Claude Code's `context_management` (its
 * `clear_thinking … keep: all` edit changes nothing).
 */
export const ignoredFields = new Set([
  'cache_control', 'context_management', 'diagnostics', 'inference_geo', 'service_tier', 'speed',
  'user_profile_id', 'workspace_id',
]);

/**
 * Every field the decoder reads or knowingly ignores; anything else is a
 * 400. count_tokens accepts the same (a client may count the very body it
 * will send; generation settings do not change the count).
 */
export const knownFields = new Set([...Object.keys(messagesRequestSchema.shape), ...ignoredFields]);
