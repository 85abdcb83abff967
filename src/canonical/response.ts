import type { PassThroughLogprobs } from './events.js';
import type { Finish } from './finish.js';
import type { ResponsePassthrough, StreamOpening } from './passthrough.js';
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
  /** The text events' logprobs, in order (legacy completions pass-through). */
  logprobs?: PassThroughLogprobs[];
  finish: Finish;
  /** The passthrough of this choice's events, in order (passthrough.ts). */
  passthrough?: ResponsePassthrough[];
}

export interface ChatResult {
  choices: ChoiceResult[];
  usage?: Usage;
  /** The first event's opening (passthrough.ts). */
  opening?: StreamOpening;
  /** The passthrough of the events of no choice (`usage`), in order. */
  passthrough?: ResponsePassthrough[];
}
