import { LinguaError, type StreamEvent, type Usage } from '../../canonical/index.js';
import { newToolCallId } from '../../lib/ids.js';
import { toFinish } from './map-finish.js';
import { toUsage } from './map-usage.js';

type Json = Record<string, unknown>;

interface ChoiceState {
  finished: boolean;
  /** Upstream tool-call index → ours, for calls already started. */
  calls: Map<number, number>;
  /** Arguments that arrived before the call's name, by upstream index. */
  pending: Map<number, { id?: string; name?: string; args: string }>;
}

/** What one stream may make the mapper keep. */
export interface StreamBounds {
  /** Choices the request asked for (`n`): an upstream index past them is an error. */
  choices: number;
  /** Characters of a tool call's arguments held until its name comes. */
  heldChars: number;
}

/**
 * Maps the chunks of an OpenAI-compatible stream to canonical events.
 * Usage is taken from the last chunk that carries it (upstreams that report
 * on every chunk report cumulative totals: never summed) and emitted once at
 * the end, after every choice finished. What it keeps per stream is bounded
 * (`StreamBounds`): an upstream past them fails the stream.
 */
export class OpenAIStreamMapper {
  readonly #provider: string;
  readonly #bounds: StreamBounds;
  readonly #choices = new Map<number, ChoiceState>();
  #usage: Usage | undefined;

  constructor(provider: string, bounds: StreamBounds = { choices: Infinity, heldChars: Infinity }) {
    this.#provider = provider;
    this.#bounds = bounds;
  }

  push(chunk: Json, out: StreamEvent[]): void {
    if (chunk.error !== undefined) {
      const e = chunk.error as Json | string;
      const message = typeof e === 'string' ? e : String(e?.message ?? 'unknown error');
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' failed mid-stream: ${message}`);
    }
    const usage = toUsage(chunk.usage);
    if (usage !== undefined) this.#usage = usage;
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (let position = 0; position < choices.length; position++) {
      const raw = choices[position] as Json;
      const choice = typeof raw.index === 'number' ? raw.index : position;
      const state = this.#state(choice);
      const delta = (raw.delta ?? {}) as Json;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'reasoning', choice, text: reasoning });
      if (typeof delta.content === 'string' && delta.content !== '') out.push({ type: 'text', choice, text: delta.content });
      if (Array.isArray(delta.tool_calls)) this.#toolCalls(choice, state, delta.tool_calls as Json[], out);
      if (raw.finish_reason != null && !state.finished) {
        state.finished = true;
        out.push({ type: 'finish', choice, finish: toFinish(raw.finish_reason, raw.stop_reason) });
      }
    }
  }

  /** Closes the stream: the usage event, or an error if a choice never finished. */
  end(out: StreamEvent[]): void {
    for (const state of this.#choices.values()) {
      if (!state.finished) {
        throw new LinguaError('upstream', `upstream provider '${this.#provider}' ended the stream before it finished`);
      }
    }
    if (this.#choices.size === 0) {
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' ended the stream without any choice`);
    }
    if (this.#usage !== undefined) out.push({ type: 'usage', usage: this.#usage });
  }

  #state(choice: number): ChoiceState {
    let state = this.#choices.get(choice);
    if (state === undefined) {
      if (!Number.isInteger(choice) || choice < 0 || choice >= this.#bounds.choices) {
        throw new LinguaError('upstream', `upstream provider '${this.#provider}' sent choice ${choice}, beyond the ${this.#bounds.choices} requested`);
      }
      state = { finished: false, calls: new Map(), pending: new Map() };
      this.#choices.set(choice, state);
    }
    return state;
  }

  #toolCalls(choice: number, state: ChoiceState, calls: Json[], out: StreamEvent[]): void {
    for (let position = 0; position < calls.length; position++) {
      const call = calls[position] as Json;
      // Some servers omit `index` when each chunk carries whole calls.
      const upstreamIndex = typeof call.index === 'number' ? call.index : state.calls.size + state.pending.size + position;
      const fn = (call.function ?? {}) as Json;
      const args = typeof fn.arguments === 'string' ? fn.arguments : fn.arguments === undefined ? '' : JSON.stringify(fn.arguments);
      const started = state.calls.get(upstreamIndex);
      if (started !== undefined) {
        if (args !== '') out.push({ type: 'tool_call_delta', choice, index: started, arguments: args });
        continue;
      }
      const pending = state.pending.get(upstreamIndex) ?? { args: '' };
      if (typeof call.id === 'string' && call.id !== '') pending.id = call.id;
      if (typeof fn.name === 'string' && fn.name !== '') pending.name = fn.name;
      pending.args += args;
      if (pending.name === undefined && pending.args.length > this.#bounds.heldChars) {
        throw new LinguaError('upstream', `upstream provider '${this.#provider}' sent more than ${this.#bounds.heldChars} characters of tool-call arguments without the call's name`, { code: 'upstream_response_too_large' });
      }
      if (pending.name === undefined) {
        state.pending.set(upstreamIndex, pending);
        continue;
      }
      state.pending.delete(upstreamIndex);
      const index = state.calls.size;
      state.calls.set(upstreamIndex, index);
      out.push({ type: 'tool_call_start', choice, index, id: pending.id ?? newToolCallId(), name: pending.name });
      if (pending.args !== '') out.push({ type: 'tool_call_delta', choice, index, arguments: pending.args });
    }
  }
}
