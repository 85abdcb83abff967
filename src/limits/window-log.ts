/**
 * A sliding-window log: (time, amount) entries in time order, in a ring
 * buffer that doubles when full, with their running sum. An entry counts
 * while `time > now - window`. Each entry has a sequence number, so that its
 * amount can be corrected later (the real token count in place of the
 * estimate) in O(1) while it is still in the window.
 *
 * 16 bytes per entry in the window (two float64s), plus the unused half of
 * the buffer at worst: for an rpm of 600, ~10 KB at full load; 256 bytes
 * when idle (the buffer never shrinks below 8 entries).
 */
export class WindowLog {
  #times = new Float64Array(8);
  #amounts = new Float64Array(8);
  #mask = 7;
  #head = 0;
  #size = 0;
  /** Sequence number of the entry at `#head`. */
  #headSeq = 0;
  #sum = 0;

  get size(): number {
    return this.#size;
  }

  get sum(): number {
    return this.#sum;
  }

  /** Appends an entry and returns its sequence number. Times never go backwards: an earlier time is taken as the newest's. */
  push(time: number, amount: number): number {
    if (this.#size === this.#times.length) this.#grow();
    const newest = this.newestTime();
    const at = (this.#head + this.#size) & this.#mask;
    this.#times[at] = this.#size > 0 && time < newest ? newest : time;
    this.#amounts[at] = amount;
    this.#size++;
    this.#sum += amount;
    return this.#headSeq + this.#size - 1;
  }

  /** Drops the entries at or before `cutoff` (= now - window). */
  prune(cutoff: number): void {
    while (this.#size > 0 && this.#times[this.#head]! <= cutoff) {
      this.#sum -= this.#amounts[this.#head]!;
      this.#head = (this.#head + 1) & this.#mask;
      this.#size--;
      this.#headSeq++;
    }
    if (this.#size === 0) this.#sum = 0; // no float drift left behind
  }

  /** Sets the amount of entry `seq`; false when it has left the window. */
  setAmount(seq: number, amount: number): boolean {
    const offset = seq - this.#headSeq;
    if (offset < 0 || offset >= this.#size) return false;
    const at = (this.#head + offset) & this.#mask;
    this.#sum += amount - this.#amounts[at]!;
    this.#amounts[at] = amount;
    return true;
  }

  /** The time of the newest entry (NaN when empty). */
  newestTime(): number {
    return this.#size === 0 ? Number.NaN : this.#times[(this.#head + this.#size - 1) & this.#mask]!;
  }

  /**
   * The time of the entry whose ageing out frees `need` (summing amounts
   * from the oldest); the newest entry's time when even all of them do not.
   */
  timeWhenFreed(need: number): number {
    let freed = 0;
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) & this.#mask;
      freed += this.#amounts[at]!;
      if (freed >= need) return this.#times[at]!;
    }
    return this.newestTime();
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    const times = new Float64Array(capacity);
    const amounts = new Float64Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) & this.#mask;
      times[i] = this.#times[at]!;
      amounts[i] = this.#amounts[at]!;
    }
    this.#times = times;
    this.#amounts = amounts;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}
