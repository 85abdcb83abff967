import { EventEmitter } from 'node:events';

/**
 * What an upstream request is aborted with: an EventEmitter with `aborted`
 * and `reason`, which undici takes as a signal (its documented
 * `signal: AbortSignal | EventEmitter`). One is made per upstream call; an
 * AbortController costs a few µs to build and listen to on Node 20, this
 * almost nothing.
 */
export class AbortHandle extends EventEmitter {
  aborted = false;
  /** Left undefined: undici then fails the request with its own RequestAbortedError. */
  reason: unknown = undefined;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}
