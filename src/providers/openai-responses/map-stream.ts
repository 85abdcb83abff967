import { LinguaError, type Finish, type ResponsePassthrough, type StreamEvent, type Usage } from '../../canonical/index.js';
import { streamFailure } from './map-error.js';
import { toFinish } from './map-finish.js';
import { toUsage } from './map-usage.js';

type Json = Record<string, unknown>;

/** What the mapper knows of one output item, by its id. */
type ItemState =
  | { kind: 'message'; emitted: boolean }
  | { kind: 'reasoning'; emitted: boolean; summaryIndex: number | undefined }
  | { kind: 'call'; index: number; emitted: boolean }
  | { kind: 'other' };

/**
 * Maps a Responses API event stream (`response.*` events, each with its
 * `type`) to canonical events for one choice:
 *
 *   output_text / refusal deltas             → text
 *   reasoning_summary_text / reasoning_text  → reasoning (summary parts joined by a blank line)
 *   a reasoning item's encrypted_content     → reasoning_signature, closing its reasoning
 *   function_call item, its arguments deltas → tool_call_start, tool_call_delta
 *   response.completed / .incomplete         → finish (status, incomplete reason), then usage
 *   response.failed / error                  → a thrown LinguaError (streamFailure)
 *
 * An item whose content came only in its `done` event (no deltas) is
 * emitted then. Items of other types (hosted tools Lingua never asks for)
 * carry nothing a canonical answer can hold and are skipped.
 *
 * For a Responses client (`lossless`, the same-protocol path), the
 * upstream's wire form rides along as `responses` passthrough: each item as
 * its `output_item.done` had it (`{item}`, on the last event made of it, or
 * on an empty event of its kind when it made none: a hosted tool's item on
 * an empty text), each text delta's `logprobs`, and the final response's
 * fields (`{response}`, on the finish). The Responses encoders write them
 * back; no other protocol's encoder reads them.
 */
export class ResponsesStreamMapper {
  readonly #provider: string;
  readonly #items = new Map<string, ItemState>();
  #calls = 0;
  #finish: Finish | undefined;
  #usage: Usage | undefined;

  readonly #lossless: boolean;

  constructor(provider: string, lossless = false) {
    this.#provider = provider;
    this.#lossless = lossless;
  }

  /** Maps one event into `out`; true once the response ended (completed or incomplete). */
  push(e: Json, out: StreamEvent[]): boolean {
    switch (e.type) {
      case 'response.output_item.added': this.#added(e.item as Json | undefined, out); break;
      case 'response.output_item.done': this.#done(e.item as Json | undefined, out); break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.#text(e, out);
        break;
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        this.#reasoning(e, out);
        break;
      case 'response.function_call_arguments.delta': {
        const call = this.#item(e.item_id);
        if (call?.kind !== 'call') throw this.#malformed('sent function call arguments for an item it never started');
        const delta = stringOf(e.delta);
        if (delta !== '') {
          call.emitted = true;
          out.push({ type: 'tool_call_delta', choice: 0, index: call.index, arguments: delta });
        }
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
        this.#end(e.response as Json | undefined, out);
        return true;
      case 'response.failed':
        throw streamFailure(this.#provider, (e.response as Json | undefined)?.error);
      case 'error':
        throw streamFailure(this.#provider, e.error ?? e);
    }
    return false;
  }

  /** The upstream's stream ended: an error unless the response did. */
  end(): void {
    if (this.#finish === undefined) throw this.#malformed('ended the stream before the response finished');
  }

  #added(item: Json | undefined, out: StreamEvent[]): void {
    const id = idOf(item);
    switch (item?.type) {
      case 'message': this.#items.set(id, { kind: 'message', emitted: false }); return;
      case 'reasoning': this.#items.set(id, { kind: 'reasoning', emitted: false, summaryIndex: undefined }); return;
      case 'function_call': {
        const name = stringOf(item.name);
        if (name === '') throw this.#malformed('started a function call without its name');
        const index = this.#calls++;
        this.#items.set(id, { kind: 'call', index, emitted: false });
        out.push({ type: 'tool_call_start', choice: 0, index, id: stringOf(item.call_id) || id, name });
        return;
      }
      default: this.#items.set(id, { kind: 'other' });
    }
  }

  /** The item's final form: what came only here is emitted now; a reasoning item's encrypted content closes it. */
  #done(item: Json | undefined, out: StreamEvent[]): void {
    const before = out.length;
    this.#doneContent(item, out);
    if (!this.#lossless || item === undefined) return;
    const passthrough = responsesFields({ item });
    if (out.length > before) {
      out[out.length - 1]!.passthrough = passthrough;
      return;
    }
    const state = this.#item(idOf(item))!;
    switch (state.kind) {
      case 'reasoning': out.push({ type: 'reasoning', choice: 0, text: '', passthrough }); return;
      case 'call': out.push({ type: 'tool_call_delta', choice: 0, index: state.index, arguments: '', passthrough }); return;
      default: out.push({ type: 'text', choice: 0, text: '', passthrough });
    }
  }

  #doneContent(item: Json | undefined, out: StreamEvent[]): void {
    let state = this.#item(idOf(item));
    if (state === undefined) {
      // An item reported only when done: as if it had been added, then done.
      this.#added(item, out);
      state = this.#item(idOf(item))!;
    }
    switch (state.kind) {
      case 'message': {
        if (state.emitted) return;
        const text = partsText(item?.content, ['output_text', 'refusal']);
        if (text !== '') out.push({ type: 'text', choice: 0, text });
        return;
      }
      case 'reasoning': {
        if (!state.emitted) {
          const text = partsText(item?.summary, ['summary_text']) || partsText(item?.content, ['reasoning_text']);
          if (text !== '') out.push({ type: 'reasoning', choice: 0, text });
        }
        const encrypted = stringOf(item?.encrypted_content);
        if (encrypted !== '') out.push({ type: 'reasoning_signature', choice: 0, signature: encrypted });
        return;
      }
      case 'call': {
        const args = stringOf(item?.arguments);
        if (!state.emitted && args !== '') out.push({ type: 'tool_call_delta', choice: 0, index: state.index, arguments: args });
      }
    }
  }

  #text(e: Json, out: StreamEvent[]): void {
    const state = this.#item(e.item_id);
    const text = stringOf(e.delta);
    if (state?.kind !== 'message') throw this.#malformed('sent text for an item that is not a message it started');
    if (text === '') return;
    state.emitted = true;
    const logprobs = this.#lossless && Array.isArray(e.logprobs) && e.logprobs.length > 0 ? e.logprobs : undefined;
    out.push(logprobs === undefined ? { type: 'text', choice: 0, text } : { type: 'text', choice: 0, text, passthrough: responsesFields({ logprobs }) });
  }

  #reasoning(e: Json, out: StreamEvent[]): void {
    const state = this.#item(e.item_id);
    if (state?.kind !== 'reasoning') throw this.#malformed('sent reasoning for an item that is not a reasoning item it started');
    let text = stringOf(e.delta);
    if (text === '') return;
    const part = typeof e.summary_index === 'number' ? e.summary_index : undefined;
    // Each summary part is a paragraph of its own.
    if (state.emitted && part !== undefined && part !== state.summaryIndex) text = `\n\n${text}`;
    state.summaryIndex = part;
    state.emitted = true;
    out.push({ type: 'reasoning', choice: 0, text });
  }

  #end(response: Json | undefined, out: StreamEvent[]): void {
    if (response === undefined) throw this.#malformed('ended the response without the response object');
    this.#finish = toFinish(response, this.#calls > 0);
    this.#usage = toUsage(response.usage);
    out.push(this.#lossless ? { type: 'finish', choice: 0, finish: this.#finish, passthrough: responsesFields({ response }) } : { type: 'finish', choice: 0, finish: this.#finish });
    if (this.#usage !== undefined) out.push({ type: 'usage', usage: this.#usage });
  }

  #item(id: unknown): ItemState | undefined {
    return typeof id === 'string' ? this.#items.get(id) : undefined;
  }

  #malformed(what: string): LinguaError {
    return new LinguaError('upstream', `upstream provider '${this.#provider}' ${what}`);
  }
}

function responsesFields(fields: Json): ResponsePassthrough {
  return { protocol: 'responses', fields };
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** An item's id ('' when missing: every server seen sends one). */
function idOf(item: Json | undefined): string {
  return stringOf(item?.id);
}

/** The text of an item's parts of the given types, joined. */
function partsText(parts: unknown, types: readonly string[]): string {
  if (!Array.isArray(parts)) return '';
  return parts
    .filter((p): p is Json => typeof p === 'object' && p !== null && types.includes(String((p as Json).type)))
    .map((p) => stringOf(p.text ?? p.refusal))
    .join('\n\n');
}
