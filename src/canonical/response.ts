import type { Finish } from './finish.js';
import type { ToolCallPart } from './request.js';
import type { Usage } from './usage.js';

/** One choice of a finished response: the stream of its events, folded. */
export interface ChoiceResult {
  index: number;
  text: string;
  reasoning: string;
  reasoningSignature?: string;
  reasoningRedacted?: string[];
  toolCalls: ToolCallPart[];
  finish: Finish;
}

export interface ChatResult {
  choices: ChoiceResult[];
  usage?: Usage;
}
