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

export class SseDecoder {
  readonly #text = new TextDecoder('utf-8');
  #buffer = '';
  #sawCr = false;
  #event = '';
  #data: string[] = [];
  #id: string | undefined;

  /** Feeds bytes; returns the events they complete. */
  push(chunk: Uint8Array): ServerSentEvent[] {
    return this.#lines(this.#text.decode(chunk, { stream: true }));
  }

  /** Ends the input; returns an event left without its blank line. */
  end(): ServerSentEvent[] {
    const out = this.#lines(this.#text.decode());
    if (this.#buffer.length > 0) this.#line(this.#buffer, out);
    this.#buffer = '';
    this.#line('', out);
    return out;
  }

  #lines(text: string): ServerSentEvent[] {
    const out: ServerSentEvent[] = [];
    let start = 0;
    if (this.#sawCr && text.startsWith('\n')) start = 1;
    this.#sawCr = false;
    for (let i = start; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.#line(this.#buffer + text.slice(start, i), out);
      this.#buffer = '';
      if (ch === 13) {
        if (i + 1 === text.length) this.#sawCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.#buffer += text.slice(start);
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
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data': this.#data.push(value); break;
      case 'event': this.#event = value; break;
      case 'id': if (!value.includes('\0')) this.#id = value; break;
      default: break; // `retry` and unknown fields are ignored
    }
  }
}
