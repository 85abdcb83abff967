import type { LinguaError } from './errors.js';
import type { Finish } from './finish.js';
import type { ResponsePassthrough, StreamOpening } from './passthrough.js';
import type { Usage } from './usage.js';

/**
 * What a provider yields while it generates. `choice` is the choice index
 * (0 unless the request asked for `n > 1`). A well-formed stream has, per
 * choice, any number of content events then exactly one `finish`; then at
 * most one `usage` for the whole response. A failure ends the stream with
 * one `error` (providers may also throw a LinguaError, which is the same).
 */
export type StreamEvent = EventPassthrough & (
  /** `logprobs`: the backend's own for this text (legacy completions), carried untouched. */
  | { type: 'text'; choice: number; text: string; logprobs?: PassThroughLogprobs }
  | { type: 'reasoning'; choice: number; text: string }
  /** Signature closing the current reasoning block (Anthropic thinking). */
  | { type: 'reasoning_signature'; choice: number; signature: string }
  /** Encrypted reasoning returned in place of text. */
  | { type: 'reasoning_redacted'; choice: number; data: string }
  /** A tool call begins; `index` counts tool calls within the choice from 0. */
  | { type: 'tool_call_start'; choice: number; index: number; id: string; name: string }
  /** A fragment of the JSON arguments of tool call `index`. */
  | { type: 'tool_call_delta'; choice: number; index: number; arguments: string }
  | { type: 'finish'; choice: number; finish: Finish }
  | { type: 'usage'; usage: Usage }
  | { type: 'error'; error: LinguaError }
);

/**
 * What any event may carry for an encoder of its backend's protocol
 * (passthrough.ts): `opening` on the first event a provider yields;
 * `passthrough`, the wire fields that stood beside the event's content
 * (a chunk's `logprobs`, a message's final `usage`), merged back there.
 */
export interface EventPassthrough {
  opening?: StreamOpening;
  passthrough?: ResponsePassthrough;
}

/**
 * Log probabilities in the wire format of the backend that produced them,
 * tagged with it: only a protocol of the same format returns them (today
 * OpenAI's legacy completions `{tokens, token_logprobs, top_logprobs, text_offset}`).
 */
export interface PassThroughLogprobs {
  format: 'openai-completions';
  value: unknown;
}

export type EventStream = AsyncIterable<StreamEvent>;

/**
 * The same events in groups, as they arrive (e.g. all the events of one
 * upstream read): the server's internal fast path, which pays one async
 * step and one socket write per group instead of per event. Groups are
 * never empty.
 */
export type EventBatches = AsyncIterable<readonly StreamEvent[]>;
