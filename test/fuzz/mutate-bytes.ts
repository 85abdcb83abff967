import type { Dice } from './dice.js';

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Changes to the bytes: cut, broken UTF-8, control characters, a BOM, another body altogether. */
export function mutateText(dice: Dice, body: Buffer, ops: string[]): Buffer {
  const inString = (): number => {
    // Just after an opening quote: most quotes open or close a string, and both are inside a string then.
    const quotes: number[] = [];
    for (let i = 0; i < body.length && quotes.length < 200; i++) if (body[i] === 0x22) quotes.push(i + 1);
    return quotes.length === 0 ? dice.int(body.length + 1) : dice.pick(quotes);
  };
  const insert = (at: number, bytes: Buffer): Buffer => Buffer.concat([body.subarray(0, at), bytes, body.subarray(at)]);
  switch (dice.weighted([
    [12, 'truncate'], [12, 'bom'], [4, 'other bom'], [14, 'utf8'], [10, 'control'], [12, 'replace'], [6, 'trailing'], [8, 'flip'], [6, 'cut'], [6, 'char'],
    [3, 'utf16'],
  ] as const)) {
    case 'truncate': {
      const at = dice.int(body.length);
      ops.push(`text: cut after ${at} of ${body.length} bytes`);
      return body.subarray(0, at);
    }
    case 'bom':
      ops.push('text: a leading BOM');
      return Buffer.concat([BOM, body]);
    case 'other bom': {
      const [bytes, label] = dice.pick([[Buffer.concat([BOM, BOM]), 'two BOMs'], [Buffer.from([0xff, 0xfe]), 'a UTF-16 BOM'], [Buffer.from([0xfe, 0xff]), 'a UTF-16BE BOM'], [Buffer.from([0xef, 0xbb]), 'half a BOM']] as const);
      ops.push(`text: ${label} first`);
      return Buffer.concat([bytes, body]);
    }
    case 'utf8': {
      const [bytes, label] = dice.pick([
        [[0xff], 'ff'], [[0xfe], 'fe'], [[0xc0, 0xaf], 'overlong c0 af'], [[0xe0, 0x80, 0xaf], 'overlong e0 80 af'], [[0xed, 0xa0, 0x80], 'a surrogate ed a0 80'],
        [[0x80], 'a lone continuation 80'], [[0xf4, 0x90, 0x80, 0x80], 'past U+10FFFF'], [[0xe2, 0x82], 'a cut sequence e2 82'], [[0xf8, 0x88, 0x80, 0x80, 0x80], 'five bytes'],
      ] as const);
      const at = inString();
      ops.push(`text: invalid UTF-8 (${label}) at ${at}`);
      return insert(at, Buffer.from(bytes));
    }
    case 'control': {
      const byte = dice.pick([0x00, 0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x0a, 0x0d, 0x09]);
      const at = dice.chance(0.7) ? inString() : dice.int(body.length + 1);
      ops.push(`text: raw byte ${byte.toString(16).padStart(2, '0')} at ${at}`);
      return insert(at, Buffer.from([byte]));
    }
    case 'replace': {
      const text = dice.pick(['', ' ', '\n', '\r\n\t ', 'null', '[]', '{}', '"x"', '0', '-1', 'true', '{', '}', ']', '[', '{"a":', 'NaN', 'Infinity', '-', '1e999', '[[[[', '"',
        'model=m1&messages=x', '{"model":"m-openai","messages":[{"role":"user","content":"hi"}]', `[${body.toString()}]`, `${body.toString()}${body.toString()}`,
        '\u0000', '{"\u0000":1}', '{"model":"m-openai" "messages":[]}', "{'model':'m-openai'}", '{"model":undefined}', '/* */{}', '{"a":1,}']);
      ops.push(`text: replaced by ${JSON.stringify(text.slice(0, 80))}${text.length > 80 ? '…' : ''}`);
      return Buffer.from(text);
    }
    case 'trailing': {
      const text = dice.pick([' ', ',', '}', ']', ' {"a":1}', '\u0000', 'x', '\n\n']);
      ops.push(`text: ${JSON.stringify(text)} after the body`);
      return Buffer.concat([body, Buffer.from(text)]);
    }
    case 'flip': {
      if (body.length === 0) return body;
      const at = dice.int(body.length);
      const copy = Buffer.from(body);
      copy[at] = copy[at]! ^ (1 << dice.int(8));
      ops.push(`text: byte ${at} flipped to ${copy[at]!.toString(16)}`);
      return copy;
    }
    case 'cut': {
      const from = dice.int(body.length + 1);
      const to = Math.min(body.length, from + dice.between(1, 16));
      ops.push(`text: bytes ${from} to ${to} removed`);
      return Buffer.concat([body.subarray(0, from), body.subarray(to)]);
    }
    case 'char': {
      const c = dice.pick(['{', '[', '"', ':', ',', '\\', '}', ']', '\\u', '\\ud800', '\\x41', "'"]);
      const at = dice.chance(0.5) ? inString() : dice.int(body.length + 1);
      ops.push(`text: ${JSON.stringify(c)} inserted at ${at}`);
      return insert(at, Buffer.from(c));
    }
    case 'utf16':
      ops.push('text: the whole body in UTF-16LE');
      return Buffer.from(body.toString(), 'utf16le');
  }
}

/** Content-Type wrong, missing or twice; a content-encoding never applied; headers Lingua reads or echoes. */
export function mutateHeaders(dice: Dice, headers: Record<string, string | string[]>, ops: string[]): void {
  const change = dice.weighted([[6, 'type'], [3, 'none'], [1, 'two'], [2, 'encoding'], [3, 'other']] as const);
  switch (change) {
    case 'type': {
      const type = dice.pick(['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16',
        'application/json; charset=latin1', 'application/jsonx', '', 'application/octet-stream', 'APPLICATION/JSON', 'application/json;;;', '*/*', 'text/event-stream', 'ÿ']);
      headers['content-type'] = type;
      ops.push(`headers: content-type ${JSON.stringify(type)}`);
      return;
    }
    case 'none':
      delete headers['content-type'];
      ops.push('headers: no content-type');
      return;
    case 'two':
      headers['content-type'] = ['application/json', 'text/plain'];
      ops.push('headers: two content-types');
      return;
    case 'encoding': {
      const encoding = dice.pick(['gzip', 'br', 'deflate', 'identity', 'x-unknown']);
      headers['content-encoding'] = encoding;
      ops.push(`headers: content-encoding ${encoding} (the body is not encoded)`);
      return;
    }
    case 'other': {
      // Headers Lingua reads or echoes besides the key.
      const [name, value] = dice.pick([
        ['x-request-id', 'my-trace.id:1'], ['x-request-id', 'x'.repeat(129)], ['x-request-id', 'a b\u00ff'], ['x-request-id', ''], ['x-request-id', '__proto__'],
        ['anthropic-version', 'ÿÿ'], ['anthropic-beta', ',,,'], ['anthropic-beta', 'x'.repeat(4000)], ['accept', 'text/event-stream'], ['accept-encoding', 'gzip, br'],
        ['accept', 'application/xml'], ['expect', '100-continue'], ['connection', 'close'],
      ] as const);
      headers[name] = value;
      ops.push(`headers: ${name} ${JSON.stringify(value.length > 60 ? `${value.slice(0, 20)}… (${value.length})` : value)}`);
      return;
    }
  }
}
