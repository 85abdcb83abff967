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
  readonly #longest: number;
  #held = '';

  /** `stops`: the request's stop sequences (none: nothing is ever held). */
  constructor(stops: readonly string[] = []) {
    this.#stops = [...stops];
    this.#longest = Math.max(0, ...stops.map((s) => s.length));
  }

  /** Takes streamed text; returns what can be sent now. */
  push(text: string): string {
    if (this.#longest === 0) return text;
    const all = this.#held + text;
    const keep = this.#heldLength(all);
    this.#held = all.slice(all.length - keep);
    return all.slice(0, all.length - keep);
  }

  /** Gives back all held text (more content follows, so it was not a stop sequence's). */
  flush(): string {
    const held = this.#held;
    this.#held = '';
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

  /** Length of the longest tail of `text` that begins some stop sequence. */
  #heldLength(text: string): number {
    for (let k = Math.min(this.#longest, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.#stops.some((s) => s.startsWith(tail))) return k;
    }
    return 0;
  }
}
