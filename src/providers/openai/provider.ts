import type { Pool } from 'undici';
import { z } from 'zod';
import { flattenBatches, LinguaError, WholeAnswer, type EmbedResult, type EventBatches, type EventStream, type StreamEvent } from '../../canonical/index.js';
import { watchSignal } from '../../lib/abort-source.js';
import type { ServerSentEvent } from '../../lib/sse-decoder.js';
import type { EmbedCall, Provider, ProviderCall, ProviderFactory, ProviderStats } from '../provider.js';
import { fromEmbeddingsBody, toEmbeddingsBody } from './embeddings.js';
import { poolStats, upstreamFields, upstreamLimits, upstreamPool, type UpstreamLimits } from '../http/upstream-config.js';
import { UpstreamExchange } from '../http/upstream-request.js';
import { UpstreamSecrets } from '../http/upstream-secrets.js';
import { toOpenAIBody, type OpenAIBodyOptions } from './map-request.js';
import { textPrompts } from '../../canonical/text-prompts.js';
import { pushTextChunk, textCompletionToEvents, toTextCompletionBody } from './map-text-completion.js';
import { completionToEvents } from './map-response.js';
import { OpenAIStreamMapper } from './map-stream.js';

export const openAIProviderSchema = z.object({
  name: z.string().min(1),
  type: z.literal('openai'),
  /** `timeout_s` defaults to 90 s, Ant Ling's limit for non-streaming calls (seed 000). */
  ...upstreamFields(90),
  /** Field used for the token limit: newer OpenAI models want `max_completion_tokens`. */
  max_tokens_field: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
  /**
   * The upstream names the stop sequence that matched (vLLM's and SGLang's
   * `stop_reason`). Otherwise, for clients that must be told (Anthropic's
   * `stop_sequence`) or send more than 4, Lingua matches them itself.
   */
  reports_stop_sequence: z.boolean().default(false),
  /** The upstream takes `top_k` (vLLM, SGLang, llama.cpp server, Ollama); otherwise `top_k` is a parameter it lacks (`unsupported_params`). */
  accepts_top_k: z.boolean().default(false),
  /** The upstream takes earlier reasoning back as assistant `reasoning_content` (DeepSeek, Kimi); otherwise it is left out of the history. */
  accepts_reasoning_content: z.boolean().default(false),
});

export type OpenAIProviderConfig = z.infer<typeof openAIProviderSchema>;

/** How a provider of this schema (openai, envelope) builds a call's Chat Completions body. */
export function openAIBodyOptions(config: Pick<OpenAIProviderConfig, 'max_tokens_field' | 'accepts_top_k' | 'accepts_reasoning_content'>, call: ProviderCall): OpenAIBodyOptions {
  return {
    model: call.model,
    maxTokensField: config.max_tokens_field,
    acceptsTopK: config.accepts_top_k,
    acceptsReasoningContent: config.accepts_reasoning_content,
    adaptations: call.adaptations,
  };
}

/** Any server that speaks OpenAI Chat Completions: vLLM, SGLang, Ollama, llama.cpp server, OpenAI… */
export class OpenAIProvider implements Provider {
  readonly name: string;
  /** OpenAI takes 4 stop sequences and strips the one that matched, saying only `stop` (vLLM names it). */
  readonly stops: { max: number; reportsMatch: boolean };
  /** Chat and embedding models alike: each model's `embedding: true` says which. */
  readonly modelKind = 'any';
  readonly #config: OpenAIProviderConfig;
  readonly #pool: Pool;
  readonly #path: string;
  /** Where text completions go: `completions` beside `chat/completions`. */
  readonly #completionsPath: string;
  readonly #embeddingsPath: string;
  readonly #headers: Record<string, string>;
  readonly #secrets: UpstreamSecrets;
  readonly #limits: UpstreamLimits;

  constructor(config: OpenAIProviderConfig) {
    this.name = config.name;
    this.#config = config;
    this.stops = { max: 4, reportsMatch: config.reports_stop_sequence };
    ({ pool: this.#pool, path: this.#path } = upstreamPool(config.base_url, config.max_connections, 'chat/completions', config.connect_timeout_s));
    this.#completionsPath = this.#path.replace(/chat\/completions$/, 'completions');
    this.#embeddingsPath = this.#path.replace(/chat\/completions$/, 'embeddings');
    this.#headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...config.headers };
    if (config.api_key) this.#headers.authorization = `Bearer ${config.api_key}`;
    this.#secrets = new UpstreamSecrets(this.#headers);
    this.#limits = upstreamLimits(config);
  }

  stream(call: ProviderCall): EventStream {
    return flattenBatches(this.batches(call));
  }

  /** A non-streaming call is one upstream answer: a WholeAnswer, folded without async iteration. */
  batches(call: ProviderCall): EventBatches {
    return call.request.stream ? this.#stream(call) : new WholeAnswer(() => this.#complete(call));
  }

  async #complete(call: ProviderCall): Promise<StreamEvent[]> {
    const exchange = this.#exchange(call);
    try {
      const answer = await exchange.json();
      return call.request.textCompletion === undefined ? completionToEvents(answer, this.name) : textCompletionToEvents(answer, this.name);
    } catch (error) {
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  async *#stream(call: ProviderCall): AsyncGenerator<StreamEvent[]> {
    const exchange = this.#exchange(call);
    try {
      await exchange.send();
      const text = call.request.textCompletion;
      // A prompt array gets n choices per prompt.
      const choices = call.request.n * (text === undefined ? 1 : textPrompts(text).length);
      const mapper = new OpenAIStreamMapper(this.name, { choices, heldChars: this.#limits.sseEventChars });
      for await (const group of exchange.eventGroups()) {
        const out: StreamEvent[] = [];
        const step = mapGroup(group, mapper, out, this.name, text !== undefined);
        if (step === 'done') await exchange.settle();
        if (out.length > 0) yield out;
        if (step === 'done') return;
        if (step !== 'more') throw step.error;
      }
      const out: StreamEvent[] = [];
      mapper.end(out);
      if (out.length > 0) yield out;
    } catch (error) {
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  #exchange(call: ProviderCall): UpstreamExchange {
    const text = call.request.textCompletion !== undefined;
    const body = text
      ? toTextCompletionBody(call.request, call.model)
      : toOpenAIBody(call.request, openAIBodyOptions(this.#config, call));
    return this.#post(text ? this.#completionsPath : this.#path, body, call, call.request.stream);
  }

  /** The vectors of an embeddings request, from the upstream's `/embeddings` beside `chat/completions`. */
  async embed(call: EmbedCall): Promise<EmbedResult> {
    const exchange = this.#post(this.#embeddingsPath, toEmbeddingsBody(call.request, call.model), call, false);
    try {
      const { input } = call.request;
      return fromEmbeddingsBody(await exchange.json(), input.kind === 'text' ? input.texts.length : input.tokens.length, this.name);
    } catch (error) {
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  #post(path: string, body: unknown, call: Pick<ProviderCall, 'abort' | 'signal'>, stream: boolean): UpstreamExchange {
    return new UpstreamExchange({
      provider: this.name,
      pool: this.#pool,
      path,
      headers: this.#headers,
      body: JSON.stringify(body),
      abort: call.abort ?? watchSignal(call.signal),
      stream,
      timeoutS: this.#config.timeout_s,
      idleTimeoutS: this.#config.stream_idle_timeout_s,
      connectTimeoutS: this.#config.connect_timeout_s,
      totalTimeoutS: this.#config.total_timeout_s,
      limits: this.#limits,
    });
  }

  stats(): ProviderStats {
    return poolStats(this.#pool);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/**
 * Maps one body chunk's SSE events into `out`, up to `[DONE]` (which ends
 * the mapper). A failure is returned, not thrown, so that the events mapped
 * before it still go out first.
 */
function mapGroup(group: readonly ServerSentEvent[], mapper: OpenAIStreamMapper, out: StreamEvent[], provider: string, text: boolean): 'more' | 'done' | { error: unknown } {
  for (const sse of group) {
    const mapped = out.length;
    try {
      if (sse.data === '[DONE]') {
        mapper.end(out);
        return 'done';
      }
      let chunk: Record<string, unknown>;
      try { chunk = JSON.parse(sse.data) as Record<string, unknown>; } catch {
        throw new LinguaError('upstream', `upstream provider '${provider}' sent a stream chunk that is not JSON`);
      }
      if (text) pushTextChunk(mapper, chunk, out);
      else mapper.push(chunk, out);
    } catch (error) {
      out.length = mapped; // the failing chunk's own events never went out
      return { error };
    }
  }
  return 'more';
}

export const openAIProviderFactory: ProviderFactory<typeof openAIProviderSchema> = {
  type: 'openai',
  schema: openAIProviderSchema,
  create: (config) => new OpenAIProvider(config),
};
