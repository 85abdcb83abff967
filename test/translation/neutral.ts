/**
 * A protocol-neutral description of one exchange: what the client asks
 * (turned into each client protocol's request) and what the backend answers
 * (turned into each fake upstream's script), and the outcome every client
 * must see, whatever the pair.
 */

export interface NeutralToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export type NeutralTurn =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text?: string; reasoning?: { text: string; signature: string }; toolCalls?: NeutralToolCall[] }
  | { role: 'tool'; id: string; result: string };

export interface NeutralRequest {
  system?: string;
  turns: NeutralTurn[];
  tools?: Array<{ name: string; description: string; parameters: Record<string, unknown> }>;
  stop?: string[];
  maxTokens: number;
}

/** How a response ended, in words common to both protocols. */
export type NeutralStop = 'end' | 'length' | 'tool' | 'stop_sequence';

/** What the backend answers. */
export interface NeutralReply {
  text?: string;
  reasoning?: { text: string; signature: string };
  toolCalls?: NeutralToolCall[];
  stop: NeutralStop;
  stopSequence?: string;
  usage: { input: number; output: number };
}

/** What a client saw, normalised. */
export interface Outcome {
  text: string;
  reasoning: string;
  toolCalls: NeutralToolCall[];
  stop: NeutralStop;
  /** Only Anthropic clients can be told which stop sequence matched. */
  stopSequence?: string;
  usage: { input: number; output: number };
}

/** A failure as a client saw it. */
export interface FailureOutcome {
  status: number;
  message: string;
  /** The error body had this protocol's shape. */
  shapeOk: boolean;
}

export const weatherTool = {
  name: 'get_weather',
  description: 'Weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
export const timeTool = {
  name: 'get_time',
  description: 'Time in a zone',
  parameters: { type: 'object', properties: { zone: { type: 'string' } } },
};
