import type { LinguaError, StreamEvent } from '../../canonical/index.js';
import { openAIFinishReason, openAIUsage } from './encode-common.js';
import type { ResponseMeta } from './encode-response.js';
import { assignFields, openAIFields, withUsageFields } from './passthrough.js';
import { renderOpenAIError } from './render-error.js';

/**
 * Canonical events as OpenAI `chat.completion.chunk` SSE frames: a role
 * delta per choice first, content deltas, one `finish_reason` per choice,
 * the usage chunk (`choices: []`) when asked for, then `data: [DONE]`.
 */
export class OpenAIStreamEncoder {
  #prefix: string;
  readonly #suffix: string;
  readonly #includeUsage: boolean;
  readonly #choices: number;
  /** Per choice, the reasoning text since its last signed block: the signed block is sent whole (`thinking_blocks`). */
  readonly #thinking: string[] = [];

  constructor(meta: ResponseMeta, options: { includeUsage: boolean; choices: number }) {
    this.#prefix = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":[`;
    // With include_usage, OpenAI sends `"usage":null` on every chunk but the last.
    this.#suffix = options.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
    this.#includeUsage = options.includeUsage;
    this.#choices = options.choices;
  }

  /** The frames that open the stream: each choice's role. */
  start(): string {
    let frames = '';
    for (let i = 0; i < this.#choices; i++) frames += this.#frame(i, '{"role":"assistant","content":""}');
    return frames;
  }

  event(e: StreamEvent): string {
    if (e.opening !== undefined || e.passthrough !== undefined) return this.#withFields(e);
    switch (e.type) {
      case 'text':
        return this.#frame(e.choice, `{"content":${JSON.stringify(e.text)}}`);
      case 'reasoning':
        this.#thinking[e.choice] = (this.#thinking[e.choice] ?? '') + e.text;
        return this.#frame(e.choice, `{"reasoning_content":${JSON.stringify(e.text)}}`);
      case 'reasoning_signature': {
        // The block's text went out as reasoning_content deltas; the block whole, signed, goes once it closes.
        const block = { type: 'thinking', thinking: this.#thinking[e.choice] ?? '', signature: e.signature };
        this.#thinking[e.choice] = '';
        return this.#frame(e.choice, JSON.stringify({ thinking_blocks: [block] }));
      }
      case 'reasoning_redacted':
        return this.#frame(e.choice, JSON.stringify({ thinking_blocks: [{ type: 'redacted_thinking', data: e.data }] }));
      case 'tool_call_start':
        return this.#frame(e.choice, JSON.stringify({
          tool_calls: [{ index: e.index, id: e.id, type: 'function', function: { name: e.name, arguments: '' } }],
        }));
      case 'tool_call_delta':
        return this.#frame(e.choice, JSON.stringify({ tool_calls: [{ index: e.index, function: { arguments: e.arguments } }] }));
      case 'finish':
        return `${this.#prefix}{"index":${e.choice},"delta":{},"logprobs":null,"finish_reason":"${openAIFinishReason(e.finish.reason)}"}${this.#suffix}`;
      case 'usage':
        if (!this.#includeUsage) return '';
        return `${this.#prefix}],"usage":${JSON.stringify(openAIUsage(e.usage))}}\n\n`;
      case 'error':
        return this.error(e.error);
    }
  }

  end(): string {
    return 'data: [DONE]\n\n';
  }

  /** A failure after the stream began: OpenAI's error object as a data frame. */
  error(error: LinguaError): string {
    return `data: ${JSON.stringify(renderOpenAIError(error).body)}\n\n`;
  }

  heartbeat(): string {
    return ': ping\n\n';
  }

  /** Response-level fields (e.g. `search_results`) in a chunk with `choices: []`. */
  annotate(fields: Record<string, unknown>): string {
    return `${this.#prefix}]${this.#includeUsage ? ',"usage":null' : ''},${JSON.stringify(fields).slice(1)}\n\n`;
  }

  /**
   * An event carrying an OpenAI-compatible backend's own fields (the slow
   * path: few chunks have any): the stream's top-level ones
   * (`system_fingerprint`…, from the opening) go on every later chunk, a
   * chunk's (`logprobs`, a `refusal` or `annotations` delta…) on this
   * event's, the usage details on the usage chunk.
   */
  #withFields(e: StreamEvent): string {
    const top = openAIFields(e.opening?.passthrough);
    if (top !== undefined) {
      const fields = JSON.stringify(top).slice(1, -1);
      if (fields !== '') this.#prefix = this.#prefix.replace(/,"choices":\[$/, `,${fields},"choices":[`);
    }
    const own = openAIFields(e.passthrough);
    if (own === undefined) return this.event({ ...e, opening: undefined, passthrough: undefined } as StreamEvent);
    if (e.type === 'usage') {
      if (!this.#includeUsage) return '';
      return `${this.#prefix}],"usage":${JSON.stringify(withUsageFields(openAIUsage(e.usage), own))}}\n\n`;
    }
    if (!('choice' in e)) return this.event({ ...e, passthrough: undefined } as StreamEvent);
    // The chunk as Lingua writes it, then the backend's fields over it.
    const plain = this.event({ ...e, opening: undefined, passthrough: undefined } as StreamEvent);
    const text = plain === '' ? `${this.#prefix}{"index":${e.choice},"delta":{},"logprobs":null,"finish_reason":null}${this.#suffix}` : plain;
    const chunk = JSON.parse(text.slice(6)) as { choices: Array<Record<string, unknown>> };
    const choice = chunk.choices[0]!;
    assignFields(choice.delta as Record<string, unknown>, own.message);
    assignFields(choice, own.choice);
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }

  #frame(choice: number, delta: string): string {
    return `${this.#prefix}{"index":${choice},"delta":${delta},"logprobs":null,"finish_reason":null}${this.#suffix}`;
  }
}
