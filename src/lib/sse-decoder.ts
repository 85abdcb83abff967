import { StringDecoder } from 'node:string_decoder';

/**
 * An incremental decoder for Server-Sent Events, as the WHATWG spec reads
 * them: lines end in CR, LF or CRLF; `:` starts a comment; `data` lines
 * join with LF; a blank line dispatches. Bytes may be split anywhere,
 * including inside a UTF-8 character or between CR and LF.
 */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** An event (a line, or one event's data lines) grew past the decoder's `maxEventLength`. */
export class SseEventTooLarge extends Error {
  constructor(readonly maxEventLength: number) {
    super(`a server-sent event is longer than ${maxEventLength} characters`);
    this.name = 'SseEventTooLarge';
  }
}

export class SseDecoder {
  // StringDecoder rather than TextDecoder: the same text for any bytes, split
  // anywhere, in a quarter of the time; the BOM TextDecoder drops is dropped
  // by hand.
  readonly #text = new StringDecoder('utf8');
  #started = false;
  #buffer = '';
  #sawCr = false;
  #event = '';
  #data: string[] = [];
  /** Characters in `#data`, with the LFs that will join them. */
  #dataLength = 0;
  #id: string | undefined;
  readonly #maxEventLength: number;

  /**
   * `maxEventLength`: the most characters an event may hold unfinished
   * (the line in progress plus the event's data lines so far); past it,
   * `push` throws `SseEventTooLarge` rather than buffering a line that may
   * never end.
   */
  constructor(options: { maxEventLength?: number } = {}) {
    this.#maxEventLength = options.maxEventLength ?? Infinity;
  }

  /** Feeds bytes; returns the events they complete. */
  push(chunk: Uint8Array): ServerSentEvent[] {
    return this.#lines(this.#withoutBom(this.#text.write(chunk)));
  }

  /** Ends the input; returns an event left without its blank line. */
  end(): ServerSentEvent[] {
    const out = this.#lines(this.#withoutBom(this.#text.end()));
    if (this.#buffer.length > 0) this.#line(this.#buffer, out);
    this.#buffer = '';
    this.#line('', out);
    return out;
  }

  #withoutBom(text: string): string {
    if (this.#started || text === '') return text;
    this.#started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  #lines(text: string): ServerSentEvent[] {
    const out: ServerSentEvent[] = [];
    let start = 0;
    if (this.#sawCr && text.startsWith('\n')) start = 1;
    this.#sawCr = false;
    // Line ends found with indexOf (fast) rather than char by char.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    for (;;) {
      const i = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (i === -1) break;
      this.#line(this.#buffer + text.slice(start, i), out);
      this.#buffer = '';
      start = i + 1;
      if (i === cr) {
        if (start === text.length) this.#sawCr = true;
        else if (lf === start) start++; // CRLF
        cr = text.indexOf('\r', start);
      }
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    }
    this.#buffer += text.slice(start);
    if (this.#buffer.length + this.#dataLength > this.#maxEventLength) throw new SseEventTooLarge(this.#maxEventLength);
    return out;
  }

  #line(line: string, out: ServerSentEvent[]): void {
    if (line === '') {
      if (this.#data.length > 0) {
        const event: ServerSentEvent = { event: this.#event || 'message', data: this.#data.join('\n') };
        if (this.#id !== undefined) event.id = this.#id;
        out.push(event);
      }
      this.#event = '';
      this.#data = [];
      this.#dataLength = 0;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        this.#dataLength += value.length + 1;
        if (this.#dataLength > this.#maxEventLength) throw new SseEventTooLarge(this.#maxEventLength);
        break;
      case 'event': this.#event = value; break;
      case 'id': if (!value.includes('\0')) this.#id = value; break;
      default: break; // `retry` and unknown fields are ignored
    }
  }
}
