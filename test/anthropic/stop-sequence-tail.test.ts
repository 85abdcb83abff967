import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finish } from '../../src/canonical/index.js';
import { StopSequenceTail } from '../../src/protocols/anthropic/stop-sequence-tail.js';

/** Streams `text` in two pieces split at `at`; returns all text sent and the stop sequence found. */
function run(stops: string[], text: string, at: number, finish: Finish = { reason: 'stop' }) {
  const tail = new StopSequenceTail(stops);
  let sent = tail.push(text.slice(0, at));
  sent += tail.push(text.slice(at));
  const end = tail.finish(finish);
  return { sent: sent + end.text, stopSequence: end.stopSequence };
}

describe('StopSequenceTail', () => {
  const cases: Array<{ stops: string[]; text: string; sent: string; stopSequence: string | undefined }> = [
    { stops: ['END'], text: 'one two END', sent: 'one two ', stopSequence: 'END' },
    { stops: ['END'], text: 'The ENd is near END', sent: 'The ENd is near ', stopSequence: 'END' },
    { stops: ['END'], text: 'no sequence here', sent: 'no sequence here', stopSequence: undefined },
    { stops: ['END'], text: 'ends with EN', sent: 'ends with EN', stopSequence: undefined },
    { stops: ['END'], text: 'END in the middle, not at the end', sent: 'END in the middle, not at the end', stopSequence: undefined },
    // The longest sequence that ends the text wins.
    { stops: ['\n', '\n\n'], text: 'para\n\n', sent: 'para', stopSequence: '\n\n' },
    { stops: ['###', 'STOP'], text: 'a###', sent: 'a', stopSequence: '###' },
    { stops: ['終わり'], text: 'これで終わり', sent: 'これで', stopSequence: '終わり' },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.text)} with ${JSON.stringify(c.stops)}, split at every position`, () => {
      for (let at = 0; at <= c.text.length; at++) {
        assert.deepEqual(run(c.stops, c.text, at), { sent: c.sent, stopSequence: c.stopSequence }, `split at ${at}`);
      }
    });
  }

  test('holds back only what could still become a stop sequence', () => {
    const tail = new StopSequenceTail(['END']);
    assert.equal(tail.push('abc E'), 'abc ');
    assert.equal(tail.push('N'), '');
    assert.equal(tail.push('x'), 'ENx');
    assert.equal(tail.flush(), '');
  });

  test('no stop sequences: nothing is held', () => {
    const tail = new StopSequenceTail();
    assert.equal(tail.push('END'), 'END');
    assert.deepEqual(tail.finish({ reason: 'stop' }), { text: '', stopSequence: undefined });
  });

  test('a stop the backend named is reported and the text left alone; other finishes never strip', () => {
    assert.deepEqual(run(['END'], 'text END', 3, { reason: 'stop', stopSequence: 'END' }), { sent: 'text END', stopSequence: 'END' });
    assert.deepEqual(run(['END'], 'text END', 3, { reason: 'length' }), { sent: 'text END', stopSequence: undefined });
  });

  test('200,000 stop sequences: no exception (the longest was found with a spread)', () => {
    const tail = new StopSequenceTail(Array.from({ length: 200_000 }, (_, i) => `stop${i}`));
    assert.equal(tail.push('text stop1'), 'text ');
    assert.deepEqual(tail.finish({ reason: 'stop' }), { text: '', stopSequence: 'stop1' });
  });

  test('holds back exactly what a brute-force search would, on random streams', () => {
    // Seeded, so that a failure reproduces.
    let seed = 42;
    const random = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const word = (n: number) => Array.from({ length: n }, () => 'ab\u00e9'[random(3)]).join('');
    for (let round = 0; round < 300; round++) {
      const stops = Array.from({ length: 1 + random(4) }, () => word(1 + random(6)));
      const tail = new StopSequenceTail(stops);
      let all = '';
      let sent = '';
      for (let piece = 0; piece < 8; piece++) {
        const text = word(random(10));
        all += text;
        sent += tail.push(text);
        assert.equal(all.length - sent.length, heldByBruteForce(stops, all, sent.length), `${JSON.stringify(stops)}: ${JSON.stringify(all)}`);
        if (random(6) === 0) {
          sent += tail.flush();
          all = sent;
        }
      }
    }
  });
});

/** The longest tail of `all` (after what was already sent) that begins some stop sequence. */
function heldByBruteForce(stops: string[], all: string, sentLength: number): number {
  for (let k = all.length - sentLength; k > 0; k--) {
    if (stops.some((s) => s.startsWith(all.slice(all.length - k)))) return k;
  }
  return 0;
}
