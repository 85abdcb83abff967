import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinguaError } from '../../src/canonical/index.js';
import { MAX_BODY_DEPTH, parseJsonBody } from '../../src/lib/json-body.js';

/** The code of the LinguaError `parse` throws. */
function failure(parse: () => unknown): string | undefined {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof LinguaError);
    assert.equal(error.status, 400);
    return error.code;
  }
  return undefined;
}

const nested = (depth: number, open = '[', close = ']', inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

describe('parseJsonBody', () => {
  test('a __proto__ key, or constructor with a prototype, is forbidden_key however it is spelled and wherever it is; no prototype changes', () => {
    const spellings = ['__proto__', '\\u005f_proto__', '__proto\\u005f_', '\\u005F\\u005Fproto\\u005f\\u005f', '\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f'];
    for (const key of spellings) {
      for (const text of [`{"model":"m","${key}":{"top_k":"abc"}}`, `{"model":"m","tools":[{"a":{"${key}":{"polluted":true}}}]}`, `[{"${key}":null}]`]) {
        for (const body of [text, [Buffer.from(text)], [Buffer.from(text.slice(0, 9)), Buffer.from(text.slice(9))]]) {
          assert.equal(failure(() => parseJsonBody(body)), 'forbidden_key', text);
        }
      }
    }
    for (const key of ['constructor', '\\u0063onstructor', 'constru\\u0063tor']) {
      assert.equal(failure(() => parseJsonBody(`{"a":{"${key}":{"prototype":{"polluted":true}}}}`)), 'forbidden_key', key);
    }
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    assert.equal(({} as { top_k?: unknown }).top_k, undefined);
  });

  test('other keys and escapes are kept as JSON.parse reads them', () => {
    const texts = [
      '{"caf\\u00e9":"\\u2603","a":[1,{"b":null}],"constructor":"a plain string value","proto":1}',
      '{"content":"say \\"__proto__\\": {} to me","value":"\\u005f_proto__","constructor":{"type":"string"}}',
    ];
    for (const text of texts) assert.deepEqual(parseJsonBody(text), JSON.parse(text));
  });

  test('a leading byte-order mark is dropped; an empty body is undefined; other text is invalid_json', () => {
    assert.deepEqual(parseJsonBody([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]), { a: 1 });
    assert.deepEqual(parseJsonBody('\ufeff{"a":1}'), { a: 1 });
    assert.equal(parseJsonBody([]), undefined);
    assert.equal(parseJsonBody(''), undefined);
    assert.equal(parseJsonBody('\ufeff'), undefined);
    for (const text of ['{', '{"a":1,}', 'nul', '\ufeff\ufeff{}', '{"a":"\\u005"}']) assert.equal(failure(() => parseJsonBody(text)), 'invalid_json', text);
  });

  test(`nesting up to ${MAX_BODY_DEPTH} levels passes; one more is nesting_too_deep, for small and large bodies`, () => {
    const padding = 'x'.repeat(70 * 1024); // makes a body large enough to be scanned before it is parsed
    for (const pad of ['', padding]) {
      const wrap = (inner: string) => `{"pad":"${pad}","v":${inner}}`; // the object itself is a level
      assert.doesNotThrow(() => parseJsonBody(wrap(nested(MAX_BODY_DEPTH - 1))));
      assert.doesNotThrow(() => parseJsonBody(wrap(nested(MAX_BODY_DEPTH - 1, '{"a":', '}'))));
      assert.equal(failure(() => parseJsonBody(wrap(nested(MAX_BODY_DEPTH)))), 'nesting_too_deep');
      assert.equal(failure(() => parseJsonBody(wrap(nested(MAX_BODY_DEPTH, '{"a":', '}')))), 'nesting_too_deep');
      assert.equal(failure(() => parseJsonBody(wrap(nested(10_000)))), 'nesting_too_deep');
      // Escaped keys take the other parse; the depth rule is the same.
      assert.equal(failure(() => parseJsonBody(wrap(nested(10_000, '{"\\u005f_proto__":', '}')))), 'nesting_too_deep');
    }
    assert.equal(failure(() => parseJsonBody(nested(2_000_000))), 'nesting_too_deep');
  });

  test('brackets inside strings do not count, escaped quotes and backslashes included', () => {
    const tricky = ['['.repeat(500), '\\"' + '{'.repeat(500), '\\\\', '\\\\\\"[[[', 'x'.repeat(70 * 1024)];
    const text = JSON.stringify({ strings: tricky.map((t) => JSON.parse(`"${t}"`) as string), deep: JSON.parse(nested(100)) as unknown });
    assert.ok(text.length > 64 * 1024);
    assert.deepEqual(parseJsonBody(text), JSON.parse(text));
  });
});
