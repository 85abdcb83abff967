import { LinguaError, type Finish, type ResponsePassthrough, type StreamEvent, type StreamOpening } from '../../canonical/index.js';
import { newToolCallId } from '../../lib/ids.js';
import { streamErrorToLinguaError } from './map-error.js';
import { toFinish } from './map-finish.js';
import { AnthropicUsage } from './map-usage.js';

type Json = Record<string, unknown>;

const MAX_OPEN_BLOCKS = 256;

/** What an open content block is, by its upstream index. */
type Block =
  | { kind: 'text' }
  | { kind: 'thinking'; signature: string }
  | { kind: 'redacted' }
  /** A client tool call (`index` is ours) or the JSON response tool (its input is the answer text). */
  | { kind: 'tool' | 'json'; index: number; input: unknown; sentArguments: boolean }
  /** Server-tool blocks and future types: no canonical form; skipped. */
  | { kind: 'other' };

/**
 * Maps Anthropic Messages stream events to canonical events:
 * text → `text`; thinking → `reasoning` then `reasoning_signature` at the
 * block's end; redacted_thinking → `reasoning_redacted`; tool_use →
 * `tool_call_start` and `tool_call_delta` from `input_json_delta`;
 * `message_delta` → `finish` (usage there is cumulative: replaced, never
 * summed); `ping` and unknown events are ignored; `error` throws. Content
 * carried whole in `content_block_start` (non-streaming replies replayed
 * through here, lenient servers) is emitted too.
 */
export class AnthropicStreamMapper {
  readonly #provider: string;
  readonly #jsonTool: string | undefined;
  /** Characters of a thinking block's signature held until the block's end. */
  readonly #heldChars: number;
  readonly #blocks = new Map<number, Block>();
  readonly #usage = new AnthropicUsage();
  #toolCalls = 0;
  #finish: Finish | undefined;
  /** From `message_start`, until the first event carries it. */
  #opening: StreamOpening | undefined;

  constructor(provider: string, jsonTool?: string, heldChars = Infinity) {
    this.#provider = provider;
    this.#jsonTool = jsonTool;
    this.#heldChars = heldChars;
  }

  push(event: Json, out: StreamEvent[]): void {
    const before = out.length;
    switch (event.type) {
      case 'message_start': this.#messageStart(event.message); break;
      case 'content_block_start': this.#start(event, out); break;
      case 'content_block_delta': this.#delta(event, out); break;
      case 'content_block_stop': this.#stop(event, out); break;
      case 'message_delta': {
        this.#usage.update(event.usage);
        if (this.#finish === undefined) {
          const delta = (event.delta ?? {}) as Json;
          this.#finish = toFinish(delta.stop_reason, delta.stop_sequence, this.#toolCalls > 0);
          const finish: StreamEvent = { type: 'finish', choice: 0, finish: this.#finish };
          const passthrough = messageDeltaFields(event);
          if (passthrough !== undefined) finish.passthrough = passthrough;
          out.push(finish);
        }
        break;
      }
      case 'error': throw streamErrorToLinguaError(this.#provider, event);
      default: break; // message_stop, ping, and event types added after this was written
    }
    if (this.#opening !== undefined && out.length > before) this.#attachOpening(out[before]!);
  }

  /** Closes the stream: the usage, or an error if the message never finished. */
  end(out: StreamEvent[]): void {
    if (this.#finish === undefined) {
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' ended the stream before the message finished`);
    }
    const usage = this.#usage.toUsage();
    if (usage !== undefined) out.push({ type: 'usage', usage, passthrough: { protocol: 'anthropic', fields: this.#usage.raw } });
    if (this.#opening !== undefined && out.length > 0) this.#attachOpening(out[0]!);
  }

  /**
   * `message_start`: its usage counts, and the opening the first event
   * carries: the input tokens (no separate count is then asked) and the
   * message's fields that canonical events do not carry, for an Anthropic
   * client.
   */
  #messageStart(raw: unknown): void {
    const message = (typeof raw === 'object' && raw !== null ? raw : {}) as Json;
    this.#usage.update(message.usage);
    const fields = Object.create(null) as Json;
    for (const key of Object.keys(message)) if (!ownMessageFields.has(key)) fields[key] = message[key];
    this.#opening = { passthrough: { protocol: 'anthropic', fields } };
    const input = this.#usage.toUsage()?.inputTokens;
    if (input !== undefined) this.#opening.inputTokens = input;
  }

  #attachOpening(e: StreamEvent): void {
    e.opening = this.#opening;
    this.#opening = undefined;
  }

  #start(event: Json, out: StreamEvent[]): void {
    const index = this.#index(event);
    // Anthropic streams one block at a time; blocks that are never stopped must not pile up.
    if (this.#blocks.size >= MAX_OPEN_BLOCKS && !this.#blocks.has(index)) {
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' opened more than ${MAX_OPEN_BLOCKS} content blocks without stopping them`);
    }
    const b = (event.content_block ?? {}) as Json;
    switch (b.type) {
      case 'text':
        this.#blocks.set(index, { kind: 'text' });
        if (typeof b.text === 'string' && b.text !== '') out.push({ type: 'text', choice: 0, text: b.text });
        break;
      case 'thinking':
        this.#blocks.set(index, { kind: 'thinking', signature: typeof b.signature === 'string' ? b.signature : '' });
        if (typeof b.thinking === 'string' && b.thinking !== '') out.push({ type: 'reasoning', choice: 0, text: b.thinking });
        break;
      case 'redacted_thinking':
        this.#blocks.set(index, { kind: 'redacted' });
        if (typeof b.data === 'string') out.push({ type: 'reasoning_redacted', choice: 0, data: b.data });
        break;
      case 'tool_use': {
        const name = typeof b.name === 'string' ? b.name : '';
        if (name === this.#jsonTool) {
          this.#blocks.set(index, { kind: 'json', index: -1, input: b.input, sentArguments: false });
          break;
        }
        const call = this.#toolCalls++;
        this.#blocks.set(index, { kind: 'tool', index: call, input: b.input, sentArguments: false });
        const id = typeof b.id === 'string' && b.id !== '' ? b.id : newToolCallId();
        out.push({ type: 'tool_call_start', choice: 0, index: call, id, name });
        break;
      }
      default:
        this.#blocks.set(index, { kind: 'other' });
    }
  }

  #delta(event: Json, out: StreamEvent[]): void {
    const block = this.#open(event);
    const d = (event.delta ?? {}) as Json;
    switch (d.type) {
      case 'text_delta':
        if (block.kind === 'text' && typeof d.text === 'string' && d.text !== '') out.push({ type: 'text', choice: 0, text: d.text });
        break;
      case 'thinking_delta':
        if (block.kind === 'thinking' && typeof d.thinking === 'string' && d.thinking !== '') out.push({ type: 'reasoning', choice: 0, text: d.thinking });
        break;
      case 'signature_delta':
        if (block.kind === 'thinking' && typeof d.signature === 'string') {
          block.signature += d.signature;
          if (block.signature.length > this.#heldChars) {
            throw new LinguaError('upstream', `upstream provider '${this.#provider}' sent a thinking signature longer than ${this.#heldChars} characters`, { code: 'upstream_response_too_large' });
          }
        }
        break;
      case 'input_json_delta': {
        if ((block.kind !== 'tool' && block.kind !== 'json') || typeof d.partial_json !== 'string' || d.partial_json === '') break;
        block.sentArguments = true;
        out.push(block.kind === 'json'
          ? { type: 'text', choice: 0, text: d.partial_json }
          : { type: 'tool_call_delta', choice: 0, index: block.index, arguments: d.partial_json });
        break;
      }
      default: break; // citations_delta and newer delta types have no canonical form
    }
  }

  #stop(event: Json, out: StreamEvent[]): void {
    const block = this.#open(event);
    this.#blocks.delete(this.#index(event));
    if (block.kind === 'thinking' && block.signature !== '') {
      out.push({ type: 'reasoning_signature', choice: 0, signature: block.signature });
    } else if ((block.kind === 'tool' || block.kind === 'json') && !block.sentArguments) {
      // No input_json_delta: the input came whole in the start event (or is empty).
      const args = JSON.stringify(typeof block.input === 'object' && block.input !== null ? block.input : {});
      out.push(block.kind === 'json'
        ? { type: 'text', choice: 0, text: args }
        : { type: 'tool_call_delta', choice: 0, index: block.index, arguments: args });
    }
  }

  #index(event: Json): number {
    if (typeof event.index !== 'number') {
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' sent a ${String(event.type)} event without an index`);
    }
    return event.index;
  }

  #open(event: Json): Block {
    const index = this.#index(event);
    const block = this.#blocks.get(index);
    if (block === undefined) {
      throw new LinguaError('upstream', `upstream provider '${this.#provider}' sent ${String(event.type)} for content block ${index}, which was never started`);
    }
    return block;
  }
}

/** A message's fields that the canonical events carry (or Lingua sets): the rest are passed through. */
const ownMessageFields = new Set(['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence']);

/**
 * What a `message_delta` holds beyond the stop reason and usage
 * (`context_management`, `delta.container`, …), or undefined when nothing.
 */
function messageDeltaFields(event: Json): ResponsePassthrough | undefined {
  const fields = Object.create(null) as Json;
  let any = false;
  for (const key of Object.keys(event)) {
    if (key === 'type' || key === 'delta' || key === 'usage') continue;
    fields[key] = event[key];
    any = true;
  }
  const delta = (event.delta ?? {}) as Json;
  const rest = Object.create(null) as Json;
  for (const key of Object.keys(delta)) {
    if (key === 'stop_reason' || key === 'stop_sequence') continue;
    rest[key] = delta[key];
    any = true;
  }
  if (!any) return undefined;
  fields.delta = rest;
  return { protocol: 'anthropic', fields };
}
