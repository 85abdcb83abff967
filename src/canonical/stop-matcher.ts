/**
 * Finds the first stop sequence in streamed text, for a backend that cannot
 * say which sequence ended its text (or takes fewer sequences than asked).
 * Text is passed on as soon as it can no longer be the start of a stop
 * sequence: at most the longest sequence's length less one character is
 * held back at any time.
 */
export class StopMatcher {
  readonly #stops: readonly string[];
  readonly #longest: number;
  #held = '';

  constructor(stops: readonly string[]) {
    this.#stops = stops.filter((s) => s !== '');
    this.#longest = this.#stops.reduce((n, s) => Math.max(n, s.length), 0);
  }

  /**
   * Takes the next piece of text. Returns the text to send now and, when a
   * stop sequence is complete, that sequence (the text is then cut before
   * it: what follows is dropped, as a backend that stops there would).
   */
  push(text: string): { text: string; stop?: string } {
    const all = this.#held + text;
    let at = -1;
    let stop: string | undefined;
    for (const s of this.#stops) {
      const i = all.indexOf(s);
      // The earliest match ends the text; of two starting at once, the longer.
      if (i !== -1 && (at === -1 || i < at || (i === at && s.length > stop!.length))) {
        at = i;
        stop = s;
      }
    }
    if (stop !== undefined) {
      this.#held = '';
      return { text: all.slice(0, at), stop };
    }
    const keep = this.#openTail(all);
    this.#held = all.slice(all.length - keep);
    return { text: all.slice(0, all.length - keep) };
  }

  /** The held text, at the end of the text (more content follows, or the backend finished). */
  flush(): string {
    const held = this.#held;
    this.#held = '';
    return held;
  }

  /** The length of the longest end of `text` that a stop sequence begins with. */
  #openTail(text: string): number {
    for (let n = Math.min(this.#longest - 1, text.length); n > 0; n--) {
      const tail = text.slice(text.length - n);
      if (this.#stops.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}
