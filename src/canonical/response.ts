import type { PassThroughLogprobs } from './events.js';
import type { Finish } from './finish.js';
import type { ResponsePassthrough, StreamOpening } from './passthrough.js';
import type { ToolCallPart } from './request.js';
import type { Usage } from './usage.js';

/**
 * A part of a choice's content, in the order the backend produced them:
 * text and reasoning as ranges of the choice's `text` and `reasoning`, a
 * tool call by its index in `toolCalls`. Thinking A (signature A), text,
 * thinking B (signature B), a tool call: four blocks, each as it was.
 */
export type ResultBlock =
  | { type: 'text'; start: number; end: number }
  | { type: 'reasoning'; start: number; end: number; signature?: string }
  | { type: 'reasoning_redacted'; data: string }
  | { type: 'tool_call'; index: number };

/** One choice of a finished response: the stream of its events, folded. */
export interface ChoiceResult {
  index: number;
  /** All its text, and all its reasoning, each joined (for protocols with one string of each). */
  text: string;
  reasoning: string;
  /** Its content in order (the fold always sets it; see `orderedBlocks`). */
  blocks?: ResultBlock[];
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

/**
 * A choice's content in order: its blocks, or for a result made without
 * them, the order one turn usually has (reasoning, redacted reasoning,
 * text, tool calls).
 */
export function orderedBlocks(choice: ChoiceResult): readonly ResultBlock[] {
  if (choice.blocks !== undefined) return choice.blocks;
  const blocks: ResultBlock[] = [];
  if (choice.reasoning !== '' || choice.reasoningSignature !== undefined) {
    blocks.push({ type: 'reasoning', start: 0, end: choice.reasoning.length, ...(choice.reasoningSignature === undefined ? {} : { signature: choice.reasoningSignature }) });
  }
  for (const data of choice.reasoningRedacted ?? []) blocks.push({ type: 'reasoning_redacted', data });
  if (choice.text !== '') blocks.push({ type: 'text', start: 0, end: choice.text.length });
  choice.toolCalls.forEach((_, index) => blocks.push({ type: 'tool_call', index }));
  return blocks;
}
