import { LinguaError, type ChatRequest, type Finish, type StreamEvent, type StreamOpening, type Usage } from '../../canonical/index.js';
import { TextTokenCount } from '../../lib/estimate-tokens.js';
import type { StreamEncoder } from '../contract.js';
import type { AnthropicContent } from './encode-response.js';
import { anthropicFields, usageKey, usageKeys, withFields } from './passthrough.js';
import { anthropicErrorBody } from './render-error.js';
import { anthropicStopReason } from './stop-reason.js';
import { StopSequenceTail } from './stop-sequence-tail.js';
import { anthropicUsage, type AnthropicUsage } from './usage.js';

type BlockType = AnthropicContent['type'];

/**
 * Canonical events as Anthropic Messages SSE: `message_start`, then each
 * content block as `content_block_start` → deltas → `content_block_stop`
 * (one block open at a time, indices from 0 across thinking, text and
 * tool_use blocks), then `message_delta` (stop reason and the whole
 * usage) and `message_stop`. `ping` while the backend is silent; `error`
 * when it fails after the stream began.
 *
 * Input tokens: `message_start` carries the pipeline's count (the
 * backend's where it can count, else Lingua's estimate); `message_delta`
 * carries the backend's final usage, which replaces it (clients read
 * `message_delta.usage` as the message's cumulative totals). A backend
 * that reports no usage leaves the count, and an estimate of the output.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #id: string;
  readonly #model: string;
  readonly #inputTokens: number;
  readonly #tail: StopSequenceTail;
  #nextIndex = 0;
  #open: { type: BlockType; index: number } | undefined;
  /** Canonical tool-call index → the index of its tool_use block. */
  readonly #toolBlocks = new Map<number, number>();
  #finish: Finish | undefined;
  #stopSequence: string | undefined;
  #usage: Usage | undefined;
  /** The estimate of everything generated (not the text: a stream may be long), for when the backend reports no usage. */
  readonly #output = new TextTokenCount();
  /** An error frame was sent: the stream is over. */
  #failed = false;
  /** An Anthropic backend's own fields: its `message_start` message's, `message_delta`'s, its last usage. */
  readonly #opening: Readonly<Record<string, unknown>> | undefined;
  #finishFields: Readonly<Record<string, unknown>> | undefined;
  #rawUsage: Readonly<Record<string, unknown>> | undefined;

  constructor(request: ChatRequest, options: { id: string; inputTokens: number; opening?: StreamOpening | undefined }) {
    this.#id = options.id;
    this.#model = request.model;
    this.#inputTokens = options.inputTokens;
    this.#tail = new StopSequenceTail(request.stop);
    this.#opening = anthropicFields(options.opening?.passthrough);
  }

  /**
   * An Anthropic backend's own `message_start` fields (its usage with the
   * cache figures, `container`…) come back as they were, under Lingua's id
   * and the model name the client asked for.
   */
  start(): string {
    const message = {
      id: this.#id,
      type: 'message',
      role: 'assistant',
      model: this.#model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // As Anthropic does, one output token is counted at the start.
      usage: { input_tokens: this.#inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    };
    return frame('message_start', { type: 'message_start', message: withFields(message, this.#opening, usageKey) });
  }

  event(e: StreamEvent): string {
    if (this.#failed) return '';
    if (e.type === 'usage') {
      this.#usage = e.usage;
      this.#rawUsage = anthropicFields(e.passthrough);
      return '';
    }
    if (e.type === 'error') return this.error(e.error);
    // Anthropic has one choice, and Anthropic requests ask for one.
    if (e.choice !== 0) return '';
    switch (e.type) {
      case 'text':
        return this.#text(this.#tail.push(e.text));
      case 'reasoning':
        this.#output.add(e.text);
        return this.#flushText() + this.#ensure('thinking') + this.#delta({ type: 'thinking_delta', thinking: e.text });
      case 'reasoning_signature':
        // The signature closes its thinking block.
        return this.#flushText() + this.#ensure('thinking') + this.#delta({ type: 'signature_delta', signature: e.signature }) + this.#close();
      case 'reasoning_redacted':
        return this.#flushText() + this.#close() + this.#startBlock({ type: 'redacted_thinking', data: e.data }) + this.#close();
      case 'tool_call_start': {
        this.#output.add(e.name);
        const frames = this.#flushText() + this.#close() + this.#startBlock({ type: 'tool_use', id: e.id, name: e.name, input: {} });
        this.#toolBlocks.set(e.index, this.#open!.index);
        return frames;
      }
      case 'tool_call_delta': {
        if (e.arguments === '') return '';
        const index = this.#toolBlocks.get(e.index);
        if (index === undefined || this.#open?.index !== index) {
          return this.error(new LinguaError('upstream', 'The backend interleaved the arguments of several tool calls, which Anthropic content blocks cannot carry.'));
        }
        this.#output.add(e.arguments);
        return this.#delta({ type: 'input_json_delta', partial_json: e.arguments });
      }
      case 'finish': {
        const end = this.#tail.finish(e.finish);
        this.#finish = e.finish;
        this.#finishFields = anthropicFields(e.passthrough);
        this.#stopSequence = end.stopSequence;
        return this.#text(end.text) + this.#close();
      }
    }
  }

  end(): string {
    if (this.#failed) return '';
    if (this.#finish === undefined) return this.error(new LinguaError('upstream', 'The backend stream ended before the response finished.'));
    const usage: AnthropicUsage = this.#usage === undefined
      ? { input_tokens: this.#inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: this.#output.tokens }
      : anthropicUsage(this.#usage);
    const stopReason = anthropicStopReason(this.#finish.reason, { usedTools: this.#toolBlocks.size > 0, stopSequence: this.#stopSequence });
    const raw = this.#finishFields;
    const delta = withFields({ stop_reason: stopReason, stop_sequence: this.#stopSequence ?? null }, raw?.delta as Record<string, unknown> | undefined);
    const messageDelta = withFields({ type: 'message_delta', delta, usage: withFields(usage, this.#rawUsage, this.#rawUsage && usageKeys) }, raw);
    return this.#close()
      + frame('message_delta', messageDelta)
      + frame('message_stop', { type: 'message_stop' });
  }

  error(error: LinguaError): string {
    this.#failed = true;
    return frame('error', anthropicErrorBody(error));
  }

  heartbeat(): string {
    return frame('ping', { type: 'ping' });
  }

  #text(text: string): string {
    if (text === '') return '';
    this.#output.add(text);
    return this.#ensure('text') + this.#delta({ type: 'text_delta', text });
  }

  /** Text held back as a possible stop sequence, sent because other content follows. */
  #flushText(): string {
    return this.#text(this.#tail.flush());
  }

  /** Opens a block of `type` unless one is open already. */
  #ensure(type: 'text' | 'thinking'): string {
    if (this.#open?.type === type) return '';
    const block: AnthropicContent = type === 'text' ? { type, text: '' } : { type, thinking: '', signature: '' };
    return this.#close() + this.#startBlock(block);
  }

  #startBlock(block: AnthropicContent): string {
    const index = this.#nextIndex++;
    this.#open = { type: block.type, index };
    return frame('content_block_start', { type: 'content_block_start', index, content_block: block });
  }

  #delta(delta: Record<string, string>): string {
    return frame('content_block_delta', { type: 'content_block_delta', index: this.#open!.index, delta });
  }

  #close(): string {
    if (this.#open === undefined) return '';
    const { index } = this.#open;
    this.#open = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index });
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
