import type { LlamaContextSequence } from 'node-llama-cpp';

type Callback = (...args: unknown[]) => unknown;

/** LlamaContextSequence's internal decode step in node-llama-cpp 3.22 (the version is pinned in package.json). */
type DecodeTokens = (
  tokens: unknown, logits: unknown, priority: unknown, meter: unknown, contextShift: unknown,
  logitDataMapper?: Callback, afterBatchAction?: Callback,
) => Promise<unknown>;

/**
 * Keeps a failure inside node-llama-cpp's batch decode loop to the one
 * request whose sequence it belongs to.
 *
 * The context decodes every sequence's tokens in one loop, started by
 * `dispatchPendingBatch` as `void withLock(…)`: nothing awaits it. After
 * each batch it runs two callbacks per sequence, the logit mapper (which
 * builds the sampler's config from the request's sampling options and
 * samples the next token) and the after-batch action (checkpoints). One that
 * throws or rejects — a sampling option of the wrong type is enough, `A
 * number was expected` from the native `applyConfig` — ends the loop with a
 * rejection nobody handles: Node exits. The sequence's own decode never
 * settles either, nor do those of the other sequences in that batch.
 *
 * The guard wraps the callbacks each decode of its sequence hands to the
 * loop: a failure is reported to `onFailure` (the request holding the
 * sequence, which aborts its generation with the error) and the callback
 * returns `null`, which node-llama-cpp reads as "no token": the decode
 * settles normally, the sequence's bookkeeping stays in step with its
 * context state, and its generation ends, for the request to throw the error.
 */
export class DecodeGuard {
  /** Told of a failure inside the decode loop; set while a request holds the sequence. */
  onFailure: ((error: unknown) => void) | undefined;

  constructor(sequence: LlamaContextSequence) {
    const internal = sequence as unknown as { _decodeTokens?: DecodeTokens };
    const decode = internal._decodeTokens;
    if (typeof decode !== 'function') {
      throw new Error('this node-llama-cpp has no LlamaContextSequence._decodeTokens: src/providers/llama-cpp/decode-guard.ts needs updating for it');
    }
    internal._decodeTokens = (tokens, logits, priority, meter, contextShift, logitDataMapper, afterBatchAction) => decode.call(
      sequence, tokens, logits, priority, meter, contextShift,
      logitDataMapper && this.#contained(logitDataMapper), afterBatchAction && this.#contained(afterBatchAction),
    );
  }

  #contained(callback: Callback): Callback {
    return (...args) => {
      let result: unknown;
      try {
        result = callback(...args);
      } catch (error) {
        return this.#failed(error);
      }
      return result instanceof Promise ? result.catch((error: unknown) => this.#failed(error)) : result;
    };
  }

  #failed(error: unknown): null {
    this.onFailure?.(error);
    return null;
  }
}
