import { LinguaError } from '../../canonical/index.js';

interface Waiter<T> {
  resolve(slot: T): void;
  reject(error: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * A fixed set of slots (a model's context sequences) handed out one
 * request at a time. Requests beyond the free slots wait in a bounded FIFO
 * queue; a full queue is a 429 with `Retry-After`. A waiter whose client
 * goes away leaves the queue at once.
 */
export class SlotPool<T> {
  readonly #free: T[];
  readonly #queue: Waiter<T>[] = [];
  readonly #maxQueue: number;
  readonly #name: string;
  /** Every slot, free or handed out. */
  readonly size: number;

  constructor(slots: T[], options: { maxQueue: number; name: string }) {
    this.#free = [...slots];
    this.size = slots.length;
    this.#maxQueue = options.maxQueue;
    this.#name = options.name;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Slots handed out (generating). */
  get busy(): number {
    return this.size - this.#free.length;
  }

  acquire(signal: AbortSignal): Promise<T> {
    signal.throwIfAborted();
    const slot = this.#free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    if (this.#queue.length >= this.#maxQueue) {
      return Promise.reject(new LinguaError('rate_limit', `Model '${this.#name}' is busy: all its slots are generating and ${this.#maxQueue} requests are already waiting. Try again shortly.`, { code: 'model_busy', retryAfter: 1 }));
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  release(slot: T): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#free.push(slot);
      return;
    }
    next.signal.removeEventListener('abort', next.onAbort);
    next.resolve(slot);
  }

  /** Fails every waiter (the model is closing). */
  drain(error: LinguaError): void {
    for (const w of this.#queue.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(error);
    }
  }
}
