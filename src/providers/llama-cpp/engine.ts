import { availableParallelism } from 'node:os';
import type { Llama } from 'node-llama-cpp';

/**
 * The llama.cpp engine, loaded once per process and shared by every
 * llama-cpp provider: the native library is process-wide state anyway, and
 * loading it costs ~1 s. This is the one deliberate module-level value in
 * the provider. Prebuilt CPU binary only: `build: 'never'` and
 * `skipDownload` make a missing binary an error instead of a download or
 * a compile. `LINGUA_LLAMA_GPU=auto` lets a GPU build be used when one is
 * installed (see "GPU" in README.md).
 */
let shared: Promise<Llama> | undefined;

export function sharedLlama(): Promise<Llama> {
  shared ??= import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) => getLlama({
    gpu: process.env.LINGUA_LLAMA_GPU === 'auto' ? 'auto' : false,
    build: 'never',
    skipDownload: true,
    // Each context sets its own thread count; this is only the ceiling.
    maxThreads: availableParallelism(),
    logLevel: LlamaLogLevel.error,
    progressLogs: false,
  }));
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
