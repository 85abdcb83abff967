import { z } from 'zod';
import { flattenBatches, LinguaError, type ChatRequest, type EmbedResult, type EventBatches, type EventStream } from '../../canonical/index.js';
import type { Logger } from '../../lib/logger.js';
import type { EmbedCall, Provider, ProviderCall, ProviderFactory, ProviderHealth, ProviderStats } from '../provider.js';
import { defaultCacheDir } from './cache-dir.js';
import type { EmbeddingModel } from './embedding-model.js';
import type { LoadedModel } from './loaded-model.js';

export const llamaCppProviderSchema = z.object({
  name: z.string().min(1),
  type: z.literal('llama-cpp'),
  /** A .gguf file (relative to the working directory) or `hf:ORG/REPO/FILE.gguf`. */
  model: z.string().min(1),
  /** Tokens per sequence (prompt + completion); default: the model's own, at most 4096. */
  context_size: z.int().min(64).optional(),
  /** Requests generated at once (sequences of the context). */
  parallel: z.int().min(1).max(64).default(2),
  /** CPU threads for this model; default: one less than the cores, at least 1. */
  threads: z.int().min(1).optional(),
  /** Tokens evaluated per batch during prompt processing. */
  batch_size: z.int().min(1).optional(),
  /** Requests that may wait for a free sequence; more get 429. */
  max_queue: z.int().min(0).default(64),
  /**
   * A `max_tokens` larger than the room the prompt leaves in the context is
   * lowered to that room (the answer then ends with finish `length` at the
   * context's end) instead of a 400. For clients that always ask for more
   * than a small local context holds, such as Claude Code's 32000.
   */
  clamp_max_tokens: z.boolean().default(false),
  /** Where `hf:` models are downloaded; default `$LINGUA_CACHE_DIR` or `~/.cache/lingua`. */
  cache_dir: z.string().min(1).optional(),
  /** Download missing `hf:` models at startup (false: cached files only). */
  download: z.boolean().default(true),
  hf_endpoint: z.url({ protocol: /^https?$/ }).default('https://huggingface.co'),
  /** Token for gated Hugging Face repositories; default `$HF_TOKEN`. */
  hf_token: z.string().optional(),
  /** Load the model for embeddings (POST /v1/embeddings) instead of chat: docs/embeddings.md. */
  embedding: z.boolean().default(false),
});

export type LlamaCppProviderConfig = z.infer<typeof llamaCppProviderSchema>;

type State =
  | { kind: 'starting' }
  | { kind: 'ready'; model: LoadedModel | EmbeddingModel }
  | { kind: 'unavailable'; message: string };

/**
 * A GGUF model run in-process by llama.cpp (node-llama-cpp). Serves the one
 * model of its config whatever model id the router passes. A model that
 * cannot be found, downloaded or loaded does not stop the server: it is
 * logged at startup and each request for it gets a 503 saying why.
 */
export class LlamaCppProvider implements Provider {
  readonly name: string;
  readonly modelKind: 'chat' | 'embedding';
  readonly #config: LlamaCppProviderConfig;
  readonly #logger: Logger;
  readonly #startup = new AbortController();
  #state: State = { kind: 'starting' };

  constructor(config: LlamaCppProviderConfig, logger: Logger) {
    this.name = config.name;
    this.modelKind = config.embedding ? 'embedding' : 'chat';
    this.#config = config;
    this.#logger = logger;
  }

  async start(): Promise<void> {
    const c = this.#config;
    try {
      // node-llama-cpp is loaded only when a llama-cpp provider starts.
      const [{ LoadedModel }, { resolveModelFile }, { defaultThreads }] = await Promise.all([
        import('./loaded-model.js'), import('./model-source.js'), import('./engine.js'),
      ]);
      const token = c.hf_token ?? process.env.HF_TOKEN;
      const path = await resolveModelFile(c.model, {
        cacheDir: c.cache_dir ?? defaultCacheDir(),
        hfEndpoint: c.hf_endpoint,
        ...(token ? { hfToken: token } : {}),
        download: c.download,
        logger: this.#logger,
        signal: this.#startup.signal,
      });
      const started = performance.now();
      const threads = c.threads ?? defaultThreads();
      const model = await (c.embedding ? (await import('./embedding-model.js')).EmbeddingModel : LoadedModel).load({
        name: c.name,
        path,
        ...(c.context_size === undefined ? {} : { contextSize: c.context_size }),
        parallel: c.parallel,
        threads,
        ...(c.batch_size === undefined ? {} : { batchSize: c.batch_size }),
        maxQueue: c.max_queue,
        clampMaxTokens: c.clamp_max_tokens,
      });
      this.#state = { kind: 'ready', model };
      this.#logger.info({ provider: c.name, path, threads, ms: Math.round(performance.now() - started) }, `llama-cpp provider '${c.name}' loaded ${path} (${model.description})`);
    } catch (error) {
      const message = `The local model of provider '${c.name}' (${c.model}) is unavailable: ${(error as Error).message}`;
      this.#state = { kind: 'unavailable', message };
      this.#logger.error({ provider: c.name, model: c.model }, message);
    }
  }

  stream(call: ProviderCall): EventStream {
    return flattenBatches(this.batches(call));
  }

  /** The events grouped as the engine produces them: one socket write per group. */
  batches(call: ProviderCall): EventBatches {
    // Not a generator itself (one async step less per batch); an unavailable model fails on the first read, as from a generator.
    const state = this.#state;
    return state.kind === 'ready' ? state.model.generate(call.request, call.signal) : failing(this.#unavailable(state));
  }

  /** Ready once its model is loaded; `unavailable` (with why) when the file is missing, the download failed or loading failed. */
  health(): ProviderHealth {
    const state = this.#state;
    switch (state.kind) {
      case 'ready': return { ready: true, state: 'ready' };
      case 'starting': return { ready: false, state: 'loading', message: `The local model of provider '${this.name}' is still loading.` };
      case 'unavailable': return { ready: false, state: 'unavailable', message: state.message };
    }
  }

  stats(): ProviderStats {
    return this.#state.kind === 'ready' ? { engine: this.#state.model.stats() } : {};
  }

  /** Vectors from an embedding model (`embedding: true`); the router never sends embeddings to a chat model. */
  async embed(call: EmbedCall): Promise<EmbedResult> {
    const model = this.#model();
    if (!('embed' in model)) throw new LinguaError('invalid_request', `The local model of provider '${this.name}' is a chat model, not an embedding model.`, { param: 'model', code: 'model_not_embedding' });
    return model.embed(call.request, call.signal);
  }

  async countTokens(request: ChatRequest): Promise<number> {
    return this.#model().countTokens(request);
  }

  async close(): Promise<void> {
    this.#startup.abort(new Error('shutting down'));
    if (this.#state.kind === 'ready') await this.#state.model.close();
    this.#state = { kind: 'unavailable', message: `Provider '${this.name}' is shut down.` };
  }

  #model(): LoadedModel | EmbeddingModel {
    const state = this.#state;
    if (state.kind === 'ready') return state.model;
    throw this.#unavailable(state);
  }

  #unavailable(state: Exclude<State, { kind: 'ready' }>): LinguaError {
    return state.kind === 'starting'
      ? new LinguaError('unavailable', `The local model of provider '${this.name}' is still loading.`, { code: 'model_loading', retryAfter: 5 })
      : new LinguaError('unavailable', state.message, { code: 'model_unavailable' });
  }
}

async function* failing(error: LinguaError): AsyncGenerator<never> {
  throw error;
}

export const llamaCppProviderFactory: ProviderFactory<typeof llamaCppProviderSchema> = {
  type: 'llama-cpp',
  schema: llamaCppProviderSchema,
  create: (config, context) => new LlamaCppProvider(config, context.logger),
};
