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
  content: string | Array<TextPart | ImagePart>;
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

export interface UserMessage {
  role: 'user';
  content: Array<TextPart | ImagePart>;
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextPart | ReasoningPart | ToolCallPart>;
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

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

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
}
