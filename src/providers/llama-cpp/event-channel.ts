/**
 * Turns the engine's callbacks into batches of events: the engine pushes
 * events as it generates, the provider's stream pulls everything pushed
 * since its last pull as one batch (one socket write downstream).
 * Unbounded, but a request produces at most its token limit of events.
 *
 * A waiting consumer is not woken inside the engine's token callback but
 * two event-loop turns later. node-llama-cpp dispatches the next decode
 * from a `setImmediate` queued while it handles the token, so by then
 * llama.cpp is already computing the next token on its own thread, and the
 * consumer's work (encoding, the socket write: ~0.2 ms a token on a small
 * machine) runs beside it on the other core instead of delaying it. Woken
 * at once, that work ran between the token and the next decode, every
 * token, and cost the local engine ~3% of its token rate through the HTTP
 * API (see docs/local-engine.md, "Benchmark"). `end` and `fail` wake at
 * once: nothing is computed after them.
 */
export class EventChannel<T> {
  #items: T[] = [];
  #done = false;
  #failed = false;
  #error: unknown;
  #wake: (() => void) | undefined;
  #wakeQueued = false;
  readonly #wakeNextTurn = (): void => { setImmediate(this.#wakeNow); };
  readonly #wakeNow = (): void => {
    this.#wakeQueued = false;
    this.#notify();
  };

  push(item: T): void {
    this.#items.push(item);
    if (this.#wake === undefined || this.#wakeQueued) return;
    this.#wakeQueued = true;
    setImmediate(this.#wakeNextTurn);
  }

  /** Ends the channel; after `end` or `fail`, the first of them stands. */
  end(): void {
    this.#done = true;
    this.#notify();
  }

  fail(error: unknown): void {
    if (this.#done) return;
    this.#failed = true;
    this.#error = error;
    this.end();
  }

  /** Everything pushed since the last batch, as one batch; throws what `fail` was given. */
  async *batches(): AsyncGenerator<T[]> {
    for (;;) {
      if (this.#items.length > 0) {
        const batch = this.#items;
        this.#items = [];
        yield batch;
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#done) return;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
