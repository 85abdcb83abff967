import { MAX_BODY_DEPTH } from '../../src/lib/json-body.js';
import type { Dice } from './dice.js';
import { cloneJson, isObject, jsonText, Raw, type Json, type JsonObject } from './json-text.js';

export interface ValueOptions {
  /** The largest string or array made, in bytes (the local engine's run keeps this small). */
  maxBytes: number;
}

/** Where a value goes: its path, how many levels enclose it, what is there now. */
export interface Place {
  path: string;
  depth: number;
  get(): Json;
}

/** A value, its label for the failure message, and, for a value made to nest, how many levels it takes. */
type Evil = [value: Json, label: string, levels?: number];

/** A value of the wrong type, an edge case of the right one, or a huge or deep one. */
export function evilValue(dice: Dice, slot: Place, options: ValueOptions): Evil {
  const here = slot.get();
  // Half the time a value of the type that was there, so that more bodies get past validation.
  if (dice.chance(0.5)) {
    if (typeof here === 'number' || (here instanceof Raw && /^-?\d/.test(here.text))) return evilOf(dice, 'number', slot, options);
    if (typeof here === 'string' || (here instanceof Raw && here.text.startsWith('"'))) return evilOf(dice, dice.pick(['string', 'string', 'name', 'huge string'] as const), slot, options);
    if (typeof here === 'boolean') return [!here, String(!here)];
    if (Array.isArray(here)) return evilOf(dice, 'long array', slot, options);
  }
  return evilOf(dice, dice.weighted([
    [30, 'type'], [14, 'number'], [14, 'string'], [9, 'deep'], [5, 'long array'], [3, 'huge string'], [4, 'many keys'], [6, 'wrap'],
    [5, 'name'],
  ] as const), slot, options);
}

type EvilKind = 'type' | 'number' | 'string' | 'deep' | 'long array' | 'huge string' | 'many keys' | 'wrap' | 'name';

function evilOf(dice: Dice, kind: EvilKind, slot: Place, options: ValueOptions): Evil {
  switch (kind) {
    case 'type': {
      const value = dice.pick<Json>(['', 'x', 'abc', 0, 1, -1, 1.5, true, false, null, [], {}, [1], ['x'], [null], { a: 1 }, { type: 'text' }, [{}], 'true', '1']);
      return [value, jsonText(value)];
    }
    case 'number': {
      const text = dice.pick(['1e308', '-1e308', '1e309', '-1e999', '-0', '-0.0', '0.0', '9007199254740993', '-9007199254740993', '18446744073709551616',
        '1e-400', '5e-324', '0.000001', '123456789012345678901234567890', '1E+2', '2147483648', '-2147483649', '4294967296', '0.5', '64.0', '1024.5', '100', '-100.0001']);
      return [new Raw(text, text), text];
    }
    case 'string': {
      const raw = dice.pick(['"NaN"', '"Infinity"', '"-Infinity"', '"-0"', '"1e308"', '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udfff\\ud800"',
        '"\\ud83d\\ude00"', '"\\u202e\\u0301"', '"\\r\\n\\t\\b\\f"', '"\\\\"', '"\\""', '"\\/"', '"\\uFFFF"', '"\\uFEFF"', '"é"', '"日本語"', '" "',
        '"__proto__"', '"constructor"', '"toString"', '"hasOwnProperty"', '"prototype"', '"data:image/png;base64,"', '"data:"', '"http://"', '"ephemeral"',
        '"{"', '"{\\"a\\":"', '"[]"', '"null"', '"1"', '"{\\"__proto__\\":{}}"', '"data:image/png;base64,!!!"', '"data:text/plain,x"', '"data:image/png,AAAA"',
        '"text"', '"image"', '"tool_use"', '"tool_result"', '"thinking"', '"function"', '"user"', '"assistant"', '"system"', '"tool"', '"json_schema"', '"object"']);
      return [new Raw(raw, raw), raw];
    }
    case 'deep': {
      // Around the limit, counted from where the value goes (the body is level 1), or far past it.
      const levels = dice.chance(0.7) ? MAX_BODY_DEPTH - slot.depth + dice.between(-3, 3) : dice.chance(0.9) ? dice.pick([200, 1_000, 10_000]) : 100_000;
      const n = Math.max(1, Math.min(levels, Math.floor(options.maxBytes / 8)));
      const form = dice.int(3);
      const inner = dice.pick(['', '1', '"x"', 'null']);
      const half = Math.ceil(n / 2);
      const [text, made] = form === 0 ? ['['.repeat(n) + inner + ']'.repeat(n), n]
        : form === 1 ? ['{"a":'.repeat(n) + (inner === '' ? '{}' : inner) + '}'.repeat(n), inner === '' ? n + 1 : n]
          : ['[{"a":'.repeat(half) + (inner === '' ? '0' : inner) + '}]'.repeat(half), 2 * half];
      return [new Raw(text, ''), `${['arrays', 'objects', 'arrays and objects'][form]} ${made} levels deep (at depth ${slot.depth})`, made];
    }
    case 'long array': {
      // Long ones are rare and of small elements: what they test is the count.
      const long = dice.chance(0.1);
      const n = Math.min(long ? dice.pick([10_001, 100_001, 200_000]) : dice.pick([5, 17, 65, 129, 1_001]), Math.floor(options.maxBytes / 4));
      const here = slot.get();
      const element: Json = dice.pick<Json>([...(long ? [] : [Array.isArray(here) && here.length > 0 ? here[0]! : here]), 'x', 1, {}, null, 'END']);
      const text = jsonText(element);
      if (text.length * n > options.maxBytes) return [[], '[] (the element was too large to repeat)'];
      return [new Raw(`[${new Array<string>(n).fill(text).join(',')}]`, ''), `[${text.slice(0, 60)} × ${n}]`];
    }
    case 'huge string': {
      // Bytes; megabytes are rare.
      const bytes = Math.min(dice.chance(0.95) ? dice.pick([1_025, 65_537]) : dice.pick([1 << 20, 1 << 20, 1 << 20, 5 << 20]), options.maxBytes);
      const unit = dice.pick(['x', 'é', ' ', '\\n', '\\u0000']);
      const n = Math.ceil(bytes / Buffer.byteLength(unit));
      return [new Raw(`"${unit.repeat(n)}"`, ''), `"${unit}" × ${n}`];
    }
    case 'many keys': {
      const n = Math.min(dice.pick([17, 65, 1_025, 5_000]), Math.floor(options.maxBytes / 16));
      const digits = dice.chance(0.5);
      const value = dice.pick<Json>([1, 'x', -100, 1000]);
      const object: JsonObject = {};
      for (let i = 0; i < n; i++) object[digits ? String(i) : `k${i}`] = value;
      return [object, `{${digits ? '"0"' : '"k0"'}: ${jsonText(value)}, … × ${n}}`];
    }
    case 'wrap': {
      const here = slot.get();
      const choice = dice.int(3);
      if (choice === 0) return [[cloneJson(here)], 'itself in an array'];
      if (choice === 1) return [{ value: cloneJson(here) }, 'itself in an object'];
      return [Array.isArray(here) && here.length > 0 ? cloneJson(here[0]!) : isObject(here) && Object.keys(here).length > 0 ? cloneJson(Object.values(here)[0]!) : null, 'its first child'];
    }
    case 'name': {
      // Names a model or a tool might be given.
      const value = dice.pick(['m-openai', 'm-anthropic', 'scripted', 'nope', 'M-OPENAI', 'm-openai ', ' m-openai', 'm-openai\u0000', 'f', 'get_weather', 'call_1', 'toolu_1', 'a'.repeat(257), 'a'.repeat(65), 'a-b_c', 'a b', '../x', 'x/y']);
      return [value, JSON.stringify(value)];
    }
  }
}

