import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { clientClosed, invalidRequest, LinguaError, type EmbedRequest, type EmbedResult, type StreamEvent } from '../../canonical/index.js';
import { sharedLlama } from './engine.js';
import type { ModelOptions } from './loaded-model.js';
import { SlotPool } from './slot-pool.js';

/**
 * A GGUF embedding model in memory (`embedding: true`): `parallel`
 * embedding contexts handed out by a SlotPool, one input at a time each.
 * Every vector is L2-normalised (as OpenAI's and llama.cpp server's are),
 * so a dot product is the cosine similarity. Text is tokenized without
 * special tokens; token arrays are embedded as they are (ids checked
 * against the vocabulary). The model's pooling (`<arch>.pooling_type` in
 * the GGUF: mean, CLS, last) decides how token vectors become one; with
 * none, the last token's vector is used.
 */
export class EmbeddingModel {
  readonly #model: LlamaModel;
  readonly #contexts: LlamaEmbeddingContext[];
  readonly #pool: SlotPool<LlamaEmbeddingContext>;
  readonly #name: string;
  readonly contextSize: number;
  /** The length of every vector. */
  readonly dimensions: number;
  readonly #vocabularySize: number;
  /** Characters of the vocabulary's longest piece: a text longer than context × this cannot fit, and is refused untokenized. */
  readonly #longestPiece: number;

  private constructor(model: LlamaModel, contexts: LlamaEmbeddingContext[], contextSize: number, options: ModelOptions) {
    this.#model = model;
    this.#contexts = contexts;
    this.#name = options.name;
    this.contextSize = contextSize;
    this.dimensions = model.embeddingVectorSize;
    const metadata = model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: readonly unknown[] } } };
    const pieces = metadata.tokenizer?.ggml?.tokens;
    this.#vocabularySize = pieces?.length ?? Number.POSITIVE_INFINITY;
    this.#longestPiece = pieces === undefined ? Number.POSITIVE_INFINITY : pieces.reduce((n: number, t) => (typeof t === 'string' && t.length > n ? t.length : n), 1);
    this.#pool = new SlotPool(contexts, { maxQueue: options.maxQueue, name: options.name });
  }

  static async load(options: ModelOptions): Promise<EmbeddingModel> {
    const llama = await sharedLlama();
    const model = await llama.loadModel({ modelPath: options.path });
    const contexts: LlamaEmbeddingContext[] = [];
    try {
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, 4096);
      for (let i = 0; i < options.parallel; i++) {
        // The whole input in one batch: a pooled vector is of the tokens of one decode.
        contexts.push(await model.createEmbeddingContext({ contextSize, batchSize: options.batchSize ?? contextSize, threads: options.threads }));
      }
      return new EmbeddingModel(model, contexts, contextSize, options);
    } catch (error) {
      for (const c of contexts) await c.dispose();
      await model.dispose();
      throw error;
    }
  }

  /** A short description for the startup log. */
  get description(): string {
    return `embedding model, ${this.dimensions} dimensions, context ${this.contextSize} tokens x ${this.#contexts.length} contexts`;
  }

  stats(): { sequences: number; busy: number; queued: number } {
    return { sequences: this.#pool.size, busy: this.#pool.busy, queued: this.#pool.waiting };
  }

  /** One vector per input, in order; the tokens counted are those embedded (with any BOS/EOS the model adds). */
  async embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResult> {
    if (request.dimensions !== undefined && request.dimensions !== this.dimensions) {
      throw invalidRequest(`This model's embeddings have ${this.dimensions} dimensions; it cannot make vectors of ${request.dimensions}. Leave out 'dimensions', or set it to ${this.dimensions}.`, 'dimensions', 'unsupported_dimensions');
    }
    const { input } = request;
    const count = input.kind === 'text' ? input.texts.length : input.tokens.length;
    const param = (i: number) => (count === 1 ? 'input' : `input[${i}]`);
    if (input.kind === 'tokens') this.#checkIds(input.tokens, param);
    const vectors: number[][] = [];
    let inputTokens = 0;
    for (let i = 0; i < count; i++) {
      if (signal.aborted) throw clientClosed(signal.reason);
      // One input at a time: tokenizing is synchronous, and a long list must not hold the event loop for all of it at once.
      const tokens = input.kind === 'text' ? this.#tokenize(input.texts[i]!, param(i)) : input.tokens[i] as Token[];
      let context: LlamaEmbeddingContext;
      try {
        context = await this.#pool.acquire(signal);
      } catch (error) {
        throw signal.aborted ? clientClosed(signal.reason) : error;
      }
      try {
        const length = context.calculateInputLength(tokens);
        if (length >= this.contextSize) throw tooLong(this.contextSize, `${length} tokens`, param(i));
        inputTokens += length;
        vectors.push(normalised((await context.getEmbeddingFor(tokens)).vector));
      } catch (error) {
        throw error instanceof LinguaError ? error : new LinguaError('internal', `The local engine failed: ${(error as Error).message}`, { code: 'engine_error', cause: error });
      } finally {
        this.#pool.release(context);
      }
    }
    return { vectors, inputTokens };
  }

  /** An embedding model does not chat: the pipeline refuses first (a 400 naming `model`); this is for a direct call. */
  async *generate(_req: unknown, _signal: AbortSignal): AsyncGenerator<StreamEvent[]> {
    throw this.#notChat();
  }

  countTokens(_req: unknown): number {
    throw this.#notChat();
  }

  async close(): Promise<void> {
    this.#pool.drain(new LinguaError('unavailable', 'The model is shutting down.'));
    for (const c of this.#contexts) await c.dispose();
    await this.#model.dispose();
  }

  #tokenize(text: string, param: string): Token[] {
    if (text.length >= this.contextSize * this.#longestPiece) throw tooLong(this.contextSize, `${text.length} characters`, param);
    return this.#model.tokenize(text, false);
  }

  #checkIds(inputs: readonly number[][], param: (i: number) => string): void {
    inputs.forEach((tokens, i) => {
      const bad = tokens.find((t) => t >= this.#vocabularySize);
      if (bad !== undefined) throw invalidRequest(`Token id ${bad} is not in this model's vocabulary (ids 0 to ${this.#vocabularySize - 1}).`, param(i), 'invalid_token_id');
    });
  }

  #notChat(): LinguaError {
    return invalidRequest(`The local model of provider '${this.#name}' is an embedding model: use it with POST /v1/embeddings.`, 'model', 'model_not_chat');
  }
}

/** `v` scaled to length 1 (a zero vector stays zero). */
export function normalised(v: readonly number[]): number[] {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  return norm === 0 ? [...v] : v.map((x) => x / norm);
}

/** `size`: the input's tokens, or its characters when so many cannot fit whatever they tokenize to. */
function tooLong(contextSize: number, size: string, param: string): LinguaError {
  return invalidRequest(`This model's maximum context length is ${contextSize} tokens, however one input is ${size} long. Please reduce the input's length.`, param, 'context_length_exceeded');
}
