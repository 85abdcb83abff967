import { availableParallelism } from 'node:os';
import { getLlama, LlamaLogLevel, resolveChatWrapper, type ChatWrapper, type Llama, type LlamaModel } from 'node-llama-cpp';

/**
 * The llama.cpp engine, loaded once per process and shared by every
 * llama-cpp provider: the native library is process-wide state anyway, and
 * loading it costs ~1 s. This and the wrapper memo below are the only
 * module-level values of the provider. Prebuilt CPU binary only: `build: 'never'` and
 * `skipDownload` make a missing binary an error instead of a download or
 * a compile. `LINGUA_LLAMA_GPU=auto` lets a GPU build be used when one is
 * installed (see "GPU" in docs/local-engine.md).
 */
let shared: Promise<Llama> | undefined;

export function sharedLlama(): Promise<Llama> {
  shared ??= getLlama({
    gpu: process.env.LINGUA_LLAMA_GPU === 'auto' ? 'auto' : false,
    build: 'never',
    skipDownload: true,
    // Each context sets its own thread count; this is only the ceiling.
    maxThreads: availableParallelism(),
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  });
  return shared;
}

/**
 * Threads per model when the config does not say. Measured on a 2-core
 * machine (see docs/local-engine.md): one thread per model generates
 * fastest there, because the event loop and the HTTP work need the other
 * core; on larger machines leave one core for them.
 */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Resolved chat wrappers by template and special tokens: a pure memo, so models that share a template resolve it once. */
const wrappers = new Map<string, ChatWrapper>();

/**
 * The chat wrapper for a model's GGUF chat template. Resolving one renders
 * the template many times to learn its tool-call syntax (~0.5 s of CPU),
 * so it happens once per distinct template, never per request.
 */
export function chatWrapperFor(model: LlamaModel): ChatWrapper {
  const metadata = model.fileInfo.metadata as { tokenizer?: { chat_template?: string } };
  const key = JSON.stringify([metadata.tokenizer?.chat_template, model.tokens.bosString, model.tokens.eosString]);
  let wrapper = wrappers.get(key);
  if (wrapper === undefined) {
    wrapper = resolveChatWrapper(model);
    wrappers.set(key, wrapper);
  }
  return wrapper;
}
