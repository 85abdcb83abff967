import { LinguaError, type StreamEvent, type Usage } from '../../canonical/index.js';
import { newToolCallId } from '../../lib/ids.js';
import { toFinish } from './map-finish.js';
import { choiceFields, topFields, usageFields } from './map-passthrough.js';
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
  /** The usage object `#usage` was read from, as the upstream wrote it. */
  #rawUsage: unknown;
  #opened = false;

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
    if (usage !== undefined) {
      this.#usage = usage;
      this.#rawUsage = chunk.usage;
    }
    const before = out.length;
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (let position = 0; position < choices.length; position++) this.#choice(choices[position] as Json, position, out);
    }
    if (!this.#opened) this.#open(chunk, out, before);
  }

  #choice(raw: Json, position: number, out: StreamEvent[]): void {
    const choice = typeof raw.index === 'number' ? raw.index : position;
    const state = this.#state(choice);
    const delta = (raw.delta ?? {}) as Json;
    const first = out.length;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') out.push({ type: 'reasoning', choice, text: reasoning });
    if (typeof delta.content === 'string' && delta.content !== '') out.push({ type: 'text', choice, text: delta.content });
    if (Array.isArray(delta.tool_calls)) this.#toolCalls(choice, state, delta.tool_calls as Json[], out);
    if (raw.finish_reason != null && !state.finished) {
      state.finished = true;
      out.push({ type: 'finish', choice, finish: toFinish(raw.finish_reason, raw.stop_reason) });
    }
    // The chunk's other fields (`logprobs`, a `refusal` or `annotations` delta…), for an OpenAI client, on the
    // chunk's first event for this choice, or an empty text that carries them.
    const passthrough = choiceFields(raw, delta);
    if (passthrough === undefined) return;
    if (out.length === first) out.push({ type: 'text', choice, text: '' });
    out[first]!.passthrough = passthrough;
  }

  /** The stream's top-level fields (`system_fingerprint`, `service_tier`), from its first chunk with an event, on that event. */
  #open(chunk: Json, out: StreamEvent[], before: number): void {
    if (out.length === before) return;
    this.#opened = true;
    const top = topFields(chunk);
    if (top !== undefined) out[before]!.opening = { passthrough: top };
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
    if (this.#usage !== undefined) {
      const e: StreamEvent = { type: 'usage', usage: this.#usage };
      const passthrough = usageFields(this.#rawUsage);
      if (passthrough !== undefined) e.passthrough = passthrough;
      out.push(e);
    }
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
