import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseDecoder, SseEventTooLarge, type ServerSentEvent } from '../../src/lib/sse-decoder.js';

const stream = ': comment\r\ndata: {"a":1}\r\n\r\nevent: ping\ndata: x\n\ndata: line one\rdata: line two\r\rid: 7\ndata: é ünï 😀\n\ndata:no-space\n\nretry: 10\ndata\n\n';
const expected: ServerSentEvent[] = [
  { event: 'message', data: '{"a":1}' },
  { event: 'ping', data: 'x' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'message', data: 'é ünï 😀', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
  { event: 'message', data: '', id: '7' },
];

function decodeInPieces(bytes: Uint8Array, cuts: number[]): ServerSentEvent[] {
  const d = new SseDecoder();
  const out: ServerSentEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...d.push(bytes.subarray(start, cut)));
    start = cut;
  }
  out.push(...d.end());
  return out;
}

test('decodes CR, LF and CRLF line ends, comments, multi-line data, ids and UTF-8', () => {
  assert.deepEqual(decodeInPieces(new TextEncoder().encode(stream), []), expected);
});

test('the same events whatever byte the input is split at (one and two cuts)', () => {
  const bytes = new TextEncoder().encode(stream);
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(decodeInPieces(bytes, [i]), expected, `split at ${i}`);
    for (let j = i + 1; j < bytes.length; j += 7) assert.deepEqual(decodeInPieces(bytes, [i, j]), expected, `split at ${i},${j}`);
  }
});

test('byte by byte', () => {
  const bytes = new TextEncoder().encode(stream);
  assert.deepEqual(decodeInPieces(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)), expected);
});

test('an event without its final blank line is dispatched at the end', () => {
  const d = new SseDecoder();
  assert.deepEqual(d.push(new TextEncoder().encode('data: tail')), []);
  assert.deepEqual(d.end(), [{ event: 'message', data: 'tail' }]);
});

test('a leading BOM is dropped (split anywhere), a later one kept; bad UTF-8 becomes U+FFFD', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('data: a\uFEFF'), 0xc3, 0x28, 0x0a, 0x0a]);
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(decodeInPieces(bytes, [i]), [{ event: 'message', data: 'a\uFEFF\uFFFD(' }], `split at ${i}`);
  }
});

test('maxEventLength: a line that never ends, or an event whose data lines never do, throws; events within it decode', () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const line = new SseDecoder({ maxEventLength: 100 });
  assert.deepEqual(line.push(encode(`data: ${'x'.repeat(60)}`)), []);
  assert.throws(() => line.push(encode('x'.repeat(60))), (e: unknown) => e instanceof SseEventTooLarge && e.maxEventLength === 100);

  const lines = new SseDecoder({ maxEventLength: 100 });
  assert.deepEqual(lines.push(encode(`data: ${'y'.repeat(40)}\ndata: ${'y'.repeat(40)}\n`)), []);
  assert.throws(() => lines.push(encode(`data: ${'y'.repeat(40)}\n`)), SseEventTooLarge);

  const fits = new SseDecoder({ maxEventLength: 100 });
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(fits.push(encode(`data: ${'z'.repeat(45)}\ndata: ${'z'.repeat(45)}\n\n`)), [{ event: 'message', data: `${'z'.repeat(45)}\n${'z'.repeat(45)}` }]);
  }
});
