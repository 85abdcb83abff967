import type { LinguaError, StreamEvent } from '../../canonical/index.js';
import { openAIFinishReason, openAIUsage } from './encode-common.js';
import type { ResponseMeta } from './encode-response.js';
import { renderOpenAIError } from './render-error.js';

/**
 * Canonical events as OpenAI `chat.completion.chunk` SSE frames: a role
 * delta per choice first, content deltas, one `finish_reason` per choice,
 * the usage chunk (`choices: []`) when asked for, then `data: [DONE]`.
 */
export class OpenAIStreamEncoder {
  readonly #prefix: string;
  readonly #suffix: string;
  readonly #includeUsage: boolean;
  readonly #choices: number;

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
    switch (e.type) {
      case 'text':
        return this.#frame(e.choice, `{"content":${JSON.stringify(e.text)}}`);
      case 'reasoning':
        return this.#frame(e.choice, `{"reasoning_content":${JSON.stringify(e.text)}}`);
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
      default:
        return ''; // signatures and redacted reasoning have no OpenAI form
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

  #frame(choice: number, delta: string): string {
    return `${this.#prefix}{"index":${choice},"delta":${delta},"logprobs":null,"finish_reason":null}${this.#suffix}`;
  }
}
