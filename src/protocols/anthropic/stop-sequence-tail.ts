import type { Finish } from '../../canonical/index.js';

/**
 * Finds the stop sequence that ended generation when the backend could not
 * say which one it was (an OpenAI-compatible upstream just says `stop`) but
 * left it at the end of the text. While text streams, the longest tail that
 * could still grow into a stop sequence is held back; at the finish, a stop
 * sequence ending the text is taken out of it and reported, as Anthropic
 * does (its content never includes the stop sequence).
 */
export class StopSequenceTail {
  readonly #stops: string[];
  /** Per stop sequence, its KMP failure table: `fail[i]`, the longest proper prefix of `s[0..i]` that also ends it. */
  readonly #fail: Int32Array[];
  /** Per stop sequence, how many of its first characters end the text seen since the last flush. */
  readonly #matched: Int32Array;
  readonly #longest: number;
  #held = '';

  /** `stops`: the request's stop sequences (none: nothing is ever held). */
  constructor(stops: readonly string[] = []) {
    this.#stops = stops.filter((s) => s !== '');
    this.#fail = this.#stops.map(failureTable);
    this.#matched = new Int32Array(this.#stops.length);
    let longest = 0;
    for (const s of this.#stops) if (s.length > longest) longest = s.length;
    this.#longest = longest;
  }

  /**
   * Takes streamed text; returns what can be sent now. Each character
   * advances every stop sequence's match by amortized constant work, and
   * only the last `longest` characters of a piece are read: a piece costs
   * at most its length (or `longest`) times the number of stop sequences.
   */
  push(text: string): string {
    if (this.#longest === 0) return text;
    const all = this.#held + text;
    let from = this.#held.length;
    if (text.length >= this.#longest) {
      // Nothing before the last `longest` characters can begin a stop sequence still open.
      this.#matched.fill(0);
      from = all.length - this.#longest;
    }
    let keep = 0;
    for (let k = 0; k < this.#stops.length; k++) {
      const matched = this.#advance(k, all, from);
      if (matched > keep) keep = matched;
    }
    this.#held = all.slice(all.length - keep);
    return all.slice(0, all.length - keep);
  }

  /** Gives back all held text (more content follows, so it was not a stop sequence's). */
  flush(): string {
    const held = this.#held;
    this.#held = '';
    this.#matched.fill(0);
    return held;
  }

  /** At the finish: the held text still to send, and the stop sequence that ended the text, if known. */
  finish(finish: Finish): { text: string; stopSequence: string | undefined } {
    const held = this.flush();
    if (finish.stopSequence !== undefined || finish.reason !== 'stop') return { text: held, stopSequence: finish.stopSequence };
    let match: string | undefined;
    for (const s of this.#stops) {
      if (held.endsWith(s) && (match === undefined || s.length > match.length)) match = s;
    }
    if (match === undefined) return { text: held, stopSequence: undefined };
    return { text: held.slice(0, held.length - match.length), stopSequence: match };
  }

  /** Feeds `text` from `from` to stop sequence `k`'s match (KMP); returns its new length. */
  #advance(k: number, text: string, from: number): number {
    const s = this.#stops[k]!;
    const fail = this.#fail[k]!;
    let q = this.#matched[k]!;
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (q > 0 && (q === s.length || s.charCodeAt(q) !== c)) q = fail[q - 1]!;
      if (s.charCodeAt(q) === c) q++;
    }
    this.#matched[k] = q;
    return q;
  }
}

function failureTable(s: string): Int32Array {
  const fail = new Int32Array(s.length);
  let q = 0;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    while (q > 0 && s.charCodeAt(q) !== c) q = fail[q - 1]!;
    if (s.charCodeAt(q) === c) q++;
    fail[i] = q;
  }
  return fail;
}
