import type { ClientPaths } from './client-paths.js';
import type { RequestPassthrough, WireProtocol } from './passthrough.js';

/**
 * The canonical chat request: what every protocol adapter decodes into and
 * every provider consumes. Field names are Lingua's own, not any vendor's.
 */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** An http(s) URL or a `data:` URL. */
  url: string;
  detail?: 'auto' | 'low' | 'high';
}

/**
 * A document the model reads: Anthropic's `document` block, OpenAI's
 * `file` part. Each backend sends it in its own form, or refuses it by its
 * path where it has none (a PDF for a text-only model, a file id of
 * another vendor's store).
 */
export interface FilePart {
  type: 'file';
  source:
    | { type: 'base64'; mediaType: string; data: string }
    | { type: 'text'; text: string }
    | { type: 'url'; url: string }
    | { type: 'file_id'; fileId: string };
  filename?: string;
  /** The client's block as it came, for a backend of its protocol (title, context, cache_control kept). */
  native?: NativeBlock;
}

/**
 * A block of the client's protocol that Lingua does not model and no
 * other protocol can say faithfully (OpenAI `input_audio`, Anthropic
 * `search_result`, a server tool's call and result): a backend of that
 * protocol is sent it as it came; any other refuses it by its path.
 */
export interface NativePart {
  type: 'native';
  native: NativeBlock;
}

export interface NativeBlock {
  protocol: WireProtocol;
  /** The block's own `type`, for the refusal. */
  kind: string;
  block: Readonly<Record<string, unknown>>;
}

export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  /** The arguments as the model wrote them: a JSON text. */
  arguments: string;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  content: string | Array<TextPart | ImagePart | FilePart | NativePart>;
  isError?: boolean;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Opaque signature a backend attached to its reasoning; returned unchanged. */
  signature?: string;
  /** Encrypted reasoning a backend returned instead of text; returned unchanged. */
  redacted?: string;
}

export interface SystemMessage {
  role: 'system';
  content: TextPart[];
}

/** What a user turn (and a tool result) may hold. */
export type UserPart = TextPart | ImagePart | FilePart | NativePart;

export interface UserMessage {
  role: 'user';
  content: UserPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextPart | ReasoningPart | ToolCallPart | NativePart>;
  name?: string;
}

export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/** `xhigh` (OpenAI's newest models): a backend without it thinks at `high`. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

export interface ChatRequest {
  /** The model name the client asked for (a public name from the config). */
  model: string;
  messages: Message[];
  stream: boolean;
  /** Stream only: the client wants a final usage report. */
  includeUsage: boolean;
  /** Number of choices to generate; 1 unless asked. */
  n: number;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  /**
   * The client's protocol says which stop sequence ended the text
   * (Anthropic's `stop_sequence`): a backend that cannot has its stops
   * matched by Lingua (src/router/stop-matching.ts).
   */
  reportStop?: boolean;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Token id (as a decimal string) to bias in -100..100. */
  logitBias?: Record<string, number>;
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  reasoning?: { effort?: ReasoningEffort; budgetTokens?: number };
  /** End-user id for abuse monitoring and the usage ledger. */
  user?: string;
  /**
   * Set by legacy text completions (`POST /v1/completions`): generate from
   * the raw prompt, no chat template. `messages` then holds the prompt as
   * one user message (for token estimates); a provider that cannot complete
   * raw text must refuse the request, never template it.
   */
  textCompletion?: {
    /** As the client sent it: a text, texts, token ids, or arrays of token ids (one prompt each); see `textPrompts`. */
    prompt: string | string[] | number[] | number[][];
    suffix?: string;
    /** The protocol prepends the prompt to each text; providers ignore it. */
    echo?: boolean;
    /** Log probabilities of this many top tokens per position (0..5); a provider that cannot return them refuses. */
    logprobs?: number;
  };
  /**
   * Top-level fields that Lingua does not model, kept as the client sent
   * them (vendor extensions such as `enable_search`). Providers that speak
   * the same wire format pass them on; others must reject or document.
   * A null-prototype object: read it with own-property checks (`Object.hasOwn`).
   */
  extra: Record<string, unknown>;
  /**
   * The protocol whose body `extra`'s fields came from: a provider of that
   * protocol spreads them into its body; one of another protocol drops the
   * hints it documents and refuses the rest by name. Absent: Lingua's own
   * fields, passed as the OpenAI family takes them.
   */
  extraProtocol?: WireProtocol;
  /** The client's request as it came, for a backend of the same protocol (passthrough.ts). */
  passthrough?: RequestPassthrough;
  /** Where each canonical message and part stood in the client's body, for errors in its terms (client-paths.ts). */
  clientPaths?: ClientPaths;
}
