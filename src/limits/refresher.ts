/**
 * What an instance holds open in Redis (concurrency leases, budget
 * reservations), each with a deadline after which it stops counting. One
 * timer per store, not per request, pushes the deadlines of everything this
 * instance still holds forward; when the instance dies, its holds lapse
 * within one TTL.
 */
export class Refresher<T> {
  readonly #open = new Set<T>();
  readonly #refresh: (open: Set<T>) => Promise<void>;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;

  constructor(everyMs: number, refresh: (open: Set<T>) => Promise<void>, onError: (error: unknown) => void) {
    this.#refresh = refresh;
    this.#timer = setInterval(() => { this.refreshNow().catch(onError); }, everyMs).unref();
  }

  add(item: T): void {
    this.#open.add(item);
  }

  delete(item: T): void {
    this.#open.delete(item);
  }

  get size(): number {
    return this.#open.size;
  }

  /** Pushes every open deadline forward now (the timer's work; tests call it to stand in for time passing). */
  refreshNow(): Promise<void> {
    if (this.#open.size === 0) return Promise.resolve();
    this.#running ??= this.#refresh(this.#open).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
