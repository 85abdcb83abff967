/**
 * Server-sent events as they arrive: feed it text, get the `data` of each
 * complete event (multi-line data joined with \n; comments and other
 * fields skipped). CR, LF and CRLF all end a line.
 */
export class SseReader {
  #buffer = '';

  push(text: string): Array<{ event: string | undefined; data: string }> {
    this.#buffer += text;
    const out: Array<{ event: string | undefined; data: string }> = [];
    const normal = this.#buffer.replace(/\r\n?/g, '\n');
    const blocks = normal.split('\n\n');
    this.#buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'event') event = value;
      }
      if (data.length > 0) out.push({ event, data: data.join('\n') });
    }
    return out;
  }
}
