import { LlamaChat, TokenBias, type ChatHistoryItem, type ChatWrapper, type GbnfJsonSchema, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import { clientClosed, invalidRequest, LinguaError, type ChatRequest, type StreamEvent } from '../../canonical/index.js';
import { toChatHistory } from './chat-history.js';
import { DecodeGuard } from './decode-guard.js';
import { EventChannel } from './event-channel.js';
import { generateChoice, type ChoiceOptions } from './generate-choice.js';
import { chatWrapperFor, sharedLlama } from './engine.js';
import { toGrammarSchema } from './json-schema-grammar.js';
import { commonPrefix, completionRoom, contextExceeded, promptTooLong, type ContextLimits } from './prompt-fit.js';
import { checkRequest } from './request-checks.js';
import { samplingFor } from './sampling.js';
import { SlotPool } from './slot-pool.js';
import { countTextPrompt, textCompletionWork, type TextEngine } from './text-completion.js';
import { defaultEffort, thinkingBudgets } from '../reasoning-budgets.js';
import { forcingCalls, toolPlan, type ToolPlan } from './tool-functions.js';

export interface ModelOptions {
  /** The provider's name, for messages. */
  name: string;
  path: string;
  /** Tokens per sequence; undefined: the model's training context, at most 4096. */
  contextSize?: number;
  parallel: number;
  threads: number;
  batchSize?: number;
  maxQueue: number;
  /** A `max_tokens` beyond the room the prompt leaves is lowered to it (else a 400). */
  clampMaxTokens: boolean;
}

/** A context sequence, with the guard on its decodes. */
interface Slot {
  sequence: LlamaContextSequence;
  guard: DecodeGuard;
}

/**
 * A request's generation on one sequence: emits its events, ends when all
 * are out, and stops (throwing) once `stop` aborts.
 */
export type SlotWork = (sequence: LlamaContextSequence, stop: AbortSignal, emit: (event: StreamEvent) => void) => Promise<void>;

/** A request rendered through the chat template and counted. */
interface Rendered {
  history: ChatHistoryItem[];
  tools: ToolPlan;
  wrapper: ChatWrapper;
  tokens: Token[];
}

/**
 * One GGUF model in memory: its context with `parallel` sequences handed
 * out by a SlotPool, and its chat template resolved once (never per request).
 */
export class LoadedModel {
  readonly #llama: Llama;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #wrapper: ChatWrapper;
  readonly #pool: SlotPool<Slot>;
  readonly #grammars = new Map<string, Promise<LlamaGrammar>>();
  readonly contextSize: number;
  readonly #vocabularySize: number;
  /** Characters of the vocabulary's longest piece: no token covers more, so a longer prompt than context × this cannot fit. */
  readonly #longestPiece: number;
  /** Renders by request (see `#render`); a request is dropped with its last reference. */
  readonly #rendered = new WeakMap<ChatRequest, Rendered>();
  /** How many prompts were rendered (tests: a count and its generation render once). */
  renders = 0;
  readonly #limits: ContextLimits;
  /** What text completions (text-completion.ts) use of this model. */
  readonly #textEngine: TextEngine;

  private constructor(llama: Llama, model: LlamaModel, context: LlamaContext, options: ModelOptions) {
    this.#llama = llama;
    this.#model = model;
    this.#context = context;
    this.#wrapper = chatWrapperFor(model);
    this.contextSize = context.contextSize;
    this.#limits = { contextSize: context.contextSize, clampMaxTokens: options.clampMaxTokens };
    const metadata = model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: readonly unknown[] } } };
    this.#vocabularySize = metadata.tokenizer?.ggml?.tokens?.length ?? Number.POSITIVE_INFINITY;
    this.#longestPiece = longestPiece(metadata.tokenizer?.ggml?.tokens);
    this.#textEngine = { model, limits: this.#limits, longestPiece: this.#longestPiece, vocabularySize: this.#vocabularySize, sampling: (req, choice) => samplingFor(req, choice, this.contextSize, this.#vocabularySize), tokenBias: (bias) => this.#tokenBias(bias) };
    const slots = Array.from({ length: options.parallel }, (): Slot => {
      const sequence = context.getSequence();
      return { sequence, guard: new DecodeGuard(sequence) };
    });
    this.#pool = new SlotPool(slots, { maxQueue: options.maxQueue, name: options.name });
  }

  static async load(options: ModelOptions): Promise<LoadedModel> {
    const llama = await sharedLlama();
    const model = await llama.loadModel({ modelPath: options.path });
    try {
      const context = await model.createContext({
        contextSize: options.contextSize ?? Math.min(model.trainContextSize, 4096),
        sequences: options.parallel,
        threads: options.threads,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      });
      return new LoadedModel(llama, model, context, options);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  /** A short description for the startup log. */
  get description(): string {
    return `${this.#wrapper.wrapperName} template, context ${this.contextSize} tokens x ${this.#context.totalSequences} sequences`;
  }

  /** Its sequences, those generating, and the requests waiting for one. */
  stats(): { sequences: number; busy: number; queued: number; renders: number } {
    return { sequences: this.#pool.size, busy: this.#pool.busy, queued: this.#pool.waiting, renders: this.renders };
  }

  /** Input tokens of a request, exactly as the engine will see them. */
  countTokens(req: ChatRequest): number {
    return req.textCompletion === undefined ? this.#render(req).tokens.length : countTextPrompt(this.#textEngine, req.textCompletion);
  }

  /**
   * The request's events, in batches as the engine produces them (see
   * EventChannel). Whatever fails in the engine ends this stream with an
   * error, never the process (see DecodeGuard); once `signal` aborts, it
   * ends with a `client_closed` error, never as if the answer were complete.
   */
  async *generate(req: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent[]> {
    try {
      if (signal.aborted) throw clientClosed(signal.reason);
      checkRequest(req, this.#vocabularySize);
      const work = req.textCompletion === undefined ? await this.#chatWork(req) : textCompletionWork(this.#textEngine, req);
      yield* this.#onSlot(work, signal);
    } catch (error) {
      // node-llama-cpp's own errors (a template that cannot render, a disposed sequence…) as well.
      throw engineError(error);
    }
  }

  /** A chat request's generation: the prompt rendered through the template, its n choices one after another. */
  async #chatWork(req: ChatRequest): Promise<SlotWork> {
    const rendered = this.#render(req);
    const maxTokens = completionRoom(this.#limits, rendered.tokens.length, req.maxTokens, 'messages');
    const grammar = await this.#grammarFor(req)?.catch((error: unknown) => {
      throw error instanceof LinguaError ? error : invalidRequest(`The local engine cannot turn this JSON schema into a grammar: ${(error as Error).message}`, 'response_format.json_schema.schema', 'unsupported_json_schema');
    });
    return async (sequence, stop, emit) => {
      const cached = commonPrefix(sequence.contextTokens, rendered.tokens);
      const session = new LlamaChat({ contextSequence: sequence, chatWrapper: rendered.wrapper });
      try {
        let outputTokens = 0;
        for (let choice = 0; choice < req.n; choice++) {
          const options = this.#choiceOptions(req, rendered, choice, { maxTokens, grammar, signal: stop });
          outputTokens += await generateChoice(session, rendered.history, options, choice, emit);
          // A failure the engine turned into "no more tokens" (see DecodeGuard), or an abort at the last token.
          stop.throwIfAborted();
        }
        emit({ type: 'usage', usage: { inputTokens: rendered.tokens.length, outputTokens, cachedInputTokens: cached } });
      } finally {
        session.dispose({ disposeSequence: false });
      }
    };
  }

  /**
   * Runs `work` on a free sequence (waiting in the pool's queue for one)
   * and yields its events in batches as they come. A client abort or a
   * failure inside the decode loop stops the work through its `stop` signal
   * and ends the stream with that error at once; the sequence goes back to
   * the pool only after the work has settled.
   */
  async *#onSlot(work: SlotWork, signal: AbortSignal): AsyncGenerator<StreamEvent[]> {
    let slot: Slot;
    try {
      slot = await this.#pool.acquire(signal);
    } catch (error) {
      throw signal.aborted ? clientClosed(signal.reason) : error;
    }
    const { sequence, guard } = slot;
    const stop = new AbortController();
    const channel = new EventChannel<StreamEvent>();
    const end = (error: LinguaError) => {
      stop.abort(error);
      // At once: a consumer waiting on the engine's next token need not wait for it.
      channel.fail(error);
    };
    const onAbort = () => end(clientClosed(signal.reason));
    let running: Promise<void> | undefined;
    try {
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort(); // while the slot was handed over
      guard.onFailure = (error) => end(engineError(error));
      running = work(sequence, stop.signal, (e) => channel.push(e))
        .then(() => channel.end(), (error: unknown) => channel.fail(stop.signal.aborted ? stop.signal.reason : engineError(error)));

      yield* channel.batches();
      // Read to its end after the client left: still not an answer that reached anyone.
      if (signal.aborted) throw clientClosed(signal.reason);
    } finally {
      stop.abort(new Error('generation stopped'));
      signal.removeEventListener('abort', onAbort);
      await running;
      guard.onFailure = undefined;
      this.#pool.release(slot);
    }
  }

  async close(): Promise<void> {
    this.#pool.drain(new LinguaError('unavailable', 'The model is shutting down.'));
    await this.#context.dispose();
    await this.#model.dispose();
  }

  /** node-llama-cpp's options for choice `choice` of a request. */
  #choiceOptions(req: ChatRequest, rendered: Rendered, choice: number, run: { maxTokens: number; grammar: LlamaGrammar | undefined; signal: AbortSignal }): ChoiceOptions {
    return {
      ...samplingFor(req, choice, this.contextSize, this.#vocabularySize),
      signal: run.signal,
      maxTokens: run.maxTokens,
      // No context shift: the prompt was checked to fit, and generation stops at the context's end.
      contextShift: { strategy: () => { throw contextExceeded(this.contextSize, rendered.tokens.length, req.maxTokens, 'messages'); } },
      ...(req.stop === undefined ? {} : { customStopTriggers: req.stop }),
      ...(req.logitBias === undefined ? {} : { tokenBias: this.#tokenBias(req.logitBias) }),
      ...(run.grammar === undefined ? {} : { grammar: run.grammar }),
      ...(rendered.tools.functions === undefined ? {} : {
        functions: rendered.tools.functions,
        documentFunctionParams: true,
        ...(req.parallelToolCalls === false ? { maxParallelFunctionCalls: 1 } : {}),
      }),
      ...thoughtBudget(req),
    } as ChoiceOptions;
  }

  /**
   * The request rendered through the template and tokenized, once: the
   * count asked before a stream starts (an Anthropic client's
   * `message_start`) and the generation share it.
   */
  #render(req: ChatRequest): Rendered {
    let rendered = this.#rendered.get(req);
    if (rendered === undefined) {
      rendered = this.#renderNow(req);
      this.#rendered.set(req, rendered);
      this.renders++;
    }
    return rendered;
  }

  #renderNow(req: ChatRequest): Rendered {
    const history = toChatHistory(req.messages);
    const tools = toolPlan(req);
    const wrapper = tools.forced ? forcingCalls(this.#wrapper) : this.#wrapper;
    const state = wrapper.generateContextState({
      chatHistory: history,
      ...(tools.functions === undefined ? {} : { availableFunctions: tools.functions, documentFunctionParams: true }),
    });
    // Tokenizing is synchronous and, on long runs of text, slow: a prompt that cannot fit is refused without it.
    const chars = state.contextText.toString().length;
    if (chars > this.contextSize * this.#longestPiece) throw promptTooLong(this.contextSize, chars, 'messages');
    return { history, tools, wrapper, tokens: state.contextText.tokenize(this.#model.tokenizer) };
  }

  #grammarFor(req: ChatRequest): Promise<LlamaGrammar> | undefined {
    const format = req.responseFormat;
    if (format === undefined || format.type === 'text') return undefined;
    const key = format.type === 'json_object' ? 'json' : JSON.stringify(format.schema);
    let grammar = this.#grammars.get(key);
    if (grammar === undefined) {
      grammar = format.type === 'json_object'
        ? this.#llama.getGrammarFor('json')
        : this.#createJsonSchemaGrammar(toGrammarSchema(format.schema, 'response_format.json_schema.schema', true));
      if (this.#grammars.size >= 64) this.#grammars.delete(this.#grammars.keys().next().value!);
      this.#grammars.set(key, grammar);
      grammar.catch(() => this.#grammars.delete(key));
    }
    return grammar;
  }

  #createJsonSchemaGrammar(schema: GbnfJsonSchema): Promise<LlamaGrammar> {
    // Its signature infers a schema type from a literal; ours is built at run time.
    return (this.#llama.createGrammarForJsonSchema as (s: GbnfJsonSchema) => Promise<LlamaGrammar>).call(this.#llama, schema);
  }

  #tokenBias(bias: Record<string, number>): TokenBias {
    const tokenBias = new TokenBias(this.#model.tokenizer);
    for (const [id, value] of Object.entries(bias)) tokenBias.set(Number(id) as Token, { logit: value });
    return tokenBias;
  }
}

/** The longest piece of a vocabulary, in characters (at least 1; 64 when the vocabulary is not in the metadata). */
function longestPiece(tokens: readonly unknown[] | undefined): number {
  if (tokens === undefined) return 64;
  let longest = 1;
  for (const t of tokens) if (typeof t === 'string' && t.length > longest) longest = t.length;
  return longest;
}

function engineError(error: unknown): LinguaError {
  if (error instanceof LinguaError) return error;
  return new LinguaError('internal', `The local engine failed: ${(error as Error | undefined)?.message ?? String(error)}`, { code: 'engine_error', cause: error });
}

/**
 * The thought-token budget for templates that think: an explicit budget as
 * given, an effort as the shared budget table says, `none` as zero. Models
 * whose template has no thinking segments are unaffected.
 */
function thoughtBudget(req: ChatRequest): { budgets?: { thoughtTokens: number } } {
  const r = req.reasoning;
  if (r === undefined) return {};
  if (r.budgetTokens !== undefined) return { budgets: { thoughtTokens: r.budgetTokens } };
  if (r.effort === 'none') return { budgets: { thoughtTokens: 0 } };
  return { budgets: { thoughtTokens: thinkingBudgets[r.effort ?? defaultEffort] } };
}
