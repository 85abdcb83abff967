import { LlamaCompletion, LlamaVocabularyType, type LlamaCompletionGenerationOptions, type LlamaModel, type Token, type TokenBias } from 'node-llama-cpp';
import { invalidRequest, type ChatRequest } from '../../canonical/index.js';
import { textPrompts } from '../../canonical/text-prompts.js';
import { finishOf } from './generate-choice.js';
import type { SlotWork } from './loaded-model.js';
import { commonPrefix, completionRoom, promptTooLong, type ContextLimits } from './prompt-fit.js';
import type { Sampling } from './sampling.js';

type TextCompletion = NonNullable<ChatRequest['textCompletion']>;

/** What a text completion needs of the loaded model (LoadedModel builds it once). */
export interface TextEngine {
  model: LlamaModel;
  limits: ContextLimits;
  /** Characters of the vocabulary's longest piece: a longer text than context × this cannot fit. */
  longestPiece: number;
  /** Token ids at or past it are not the model's. */
  vocabularySize: number;
  sampling(req: ChatRequest, choice: number): Sampling;
  tokenBias(bias: Record<string, number>): TokenBias;
}

/** One prompt, tokenized as the engine will evaluate it. */
interface TextPrompt {
  /** Every token evaluated, BOS and fill-in-the-middle markers included: what usage, the cache and the fit count. */
  tokens: Token[];
  /** What LlamaCompletion is handed: the prompt's tokens, and the suffix's for fill-in-the-middle (it adds BOS and the markers itself). */
  prefix: Token[];
  suffix?: Token[];
}

/**
 * A legacy text completion on the local engine: each prompt as it is, no
 * chat template (special tokens such as `<|im_start|>` written in it are
 * read as those tokens, as llama.cpp's own server does), BOS first when
 * the model's tokenizer wants it. With `suffix`, the model's
 * fill-in-the-middle prompt (prefix, suffix and middle markers). Prompt i's
 * n choices are choices i·n … i·n+n−1, generated one after another on the
 * one sequence, as chat's n are. Everything that cannot be served is
 * refused here, before a sequence is taken.
 */
export function textCompletionWork(engine: TextEngine, req: ChatRequest): SlotWork {
  const text = req.textCompletion!;
  if (text.logprobs !== undefined) {
    throw invalidRequest("The local llama.cpp engine does not return log probabilities: remove 'logprobs'.", 'logprobs', 'unsupported_parameter');
  }
  const prompts = preparePrompts(engine, text);
  const limits = prompts.map((p) => completionRoom(engine.limits, p.tokens.length, req.maxTokens, 'prompt'));
  return async (sequence, stop, emit) => {
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const meter = sequence.tokenMeter;
    const before = meter.usedOutputTokens;
    let inputTokens = 0;
    let cachedInputTokens = 0;
    try {
      for (const [i, prompt] of prompts.entries()) {
        inputTokens += prompt.tokens.length;
        cachedInputTokens += commonPrefix(sequence.contextTokens, prompt.tokens);
        for (let j = 0; j < req.n; j++) {
          const choice = i * req.n + j;
          const options: LlamaCompletionGenerationOptions = {
            ...engine.sampling(req, choice),
            signal: stop,
            maxTokens: limits[i],
            // The prompt was checked to fit with its maxTokens: nothing is ever cut from it, before or during generation.
            disableContextShift: true,
            contextShiftSize: 0,
            ...(req.stop === undefined ? {} : { customStopTriggers: req.stop }),
            ...(req.logitBias === undefined ? {} : { tokenBias: engine.tokenBias(req.logitBias) }),
            onTextChunk: (chunk) => { if (chunk !== '') emit({ type: 'text', choice, text: chunk }); },
          };
          const response = prompt.suffix === undefined
            ? await completion.generateCompletionWithMeta(prompt.prefix, options)
            : await completion.generateInfillCompletionWithMeta(prompt.prefix, prompt.suffix, options);
          // A failure the engine turned into "no more tokens" (see DecodeGuard), or an abort at the last token.
          stop.throwIfAborted();
          emit({ type: 'finish', choice, finish: finishOf(response.metadata) });
        }
      }
    } finally {
      completion.dispose({ disposeSequence: false });
    }
    emit({ type: 'usage', usage: { inputTokens, outputTokens: meter.usedOutputTokens - before, cachedInputTokens } });
  };
}

/** Input tokens of a text completion, exactly as the engine will evaluate them (every prompt's). */
export function countTextPrompt(engine: TextEngine, text: TextCompletion): number {
  return preparePrompts(engine, text).reduce((sum, p) => sum + p.tokens.length, 0);
}

function preparePrompts(engine: TextEngine, text: TextCompletion): TextPrompt[] {
  return textPrompts(text).map((prompt) => tokenizePrompt(engine, text, prompt));
}

function tokenizePrompt(engine: TextEngine, text: TextCompletion, prompt: string | number[]): TextPrompt {
  const { model, limits } = engine;
  // Tokenizing is synchronous and, on long runs of text, slow: a prompt that cannot fit is refused without it.
  const chars = (typeof prompt === 'string' ? prompt.length : 0) + (text.suffix?.length ?? 0);
  if (chars > limits.contextSize * engine.longestPiece) throw promptTooLong(limits.contextSize, chars, 'prompt');
  const bos = beginningToken(model);
  const head = bos === undefined ? [] : [bos];
  const fim = text.suffix === undefined ? undefined : fimTokens(model);
  // As LlamaCompletion tokenizes a string: no space added in front of the text after BOS (always, for fill-in-the-middle).
  const prefix = typeof prompt === 'string'
    ? model.tokenize(prompt, true, bos === undefined && fim === undefined ? undefined : 'trimLeadingSpace')
    : tokenIds(prompt, bos, engine.vocabularySize);
  if (fim === undefined) {
    if (prefix.length === 0 && bos === undefined) throw invalidRequest("'prompt' is empty, and this model has no beginning-of-text token to start from.", 'prompt');
    return { tokens: [...head, ...prefix], prefix };
  }
  const { pre, suf, mid } = fim;
  const suffix = model.tokenize(text.suffix!, true, 'trimLeadingSpace');
  // The order LlamaCompletion builds: prefix-suffix-middle when the model has a middle token, else suffix first.
  const body = mid === null ? [suf, ...suffix, pre, ...prefix] : [pre, ...prefix, suf, ...suffix, mid];
  return { tokens: [...head, ...body], prefix, suffix };
}

/** The model's fill-in-the-middle markers; a 400 naming `suffix` when it has none. */
function fimTokens(model: LlamaModel): { pre: Token; suf: Token; mid: Token | null } {
  const { prefix: pre, suffix: suf, middle: mid } = model.tokens.infill;
  if (pre === null || suf === null) {
    throw invalidRequest("This model has no fill-in-the-middle tokens, so the local engine cannot complete between a prompt and a 'suffix': remove 'suffix', or serve a code model that has them.", 'suffix', 'unsupported_parameter');
  }
  return { pre, suf, mid };
}

/**
 * A prompt given as token ids, checked against the vocabulary. LlamaCompletion
 * puts BOS first itself, so ids that start with it lose that one (it is
 * not doubled); ids without it get it when the model wants it, as a text would.
 */
function tokenIds(ids: readonly number[], bos: Token | undefined, vocabularySize: number): Token[] {
  const bad = ids.findIndex((id) => id >= vocabularySize);
  if (bad >= 0) throw invalidRequest(`'prompt' holds token ${ids[bad]}, but the model's vocabulary has ${vocabularySize} tokens.`, 'prompt');
  const tokens = ids as Token[];
  return bos !== undefined && tokens[0] === bos ? tokens.slice(1) : tokens.slice();
}

/**
 * The token LlamaCompletion puts first: node-llama-cpp's rule
 * (`resolveBeginningTokenToPrepend`, not exported), which follows llama.cpp's tokenizer.
 */
function beginningToken(model: LlamaModel): Token | undefined {
  switch (model.vocabularyType) {
    case LlamaVocabularyType.rwkv: case LlamaVocabularyType.ugm: return undefined;
    case LlamaVocabularyType.wpm: return model.tokens.bos ?? undefined;
    default: return model.tokens.shouldPrependBosToken ? model.tokens.bos ?? undefined : undefined;
  }
}
