import { MAX_BODY_DEPTH } from '../../src/lib/json-body.js';
import type { Dice } from './dice.js';
import { cloneJson, Entries, isObject, jsonText, Raw, type Json, type JsonObject } from './json-text.js';

/** One request the fuzz sends, and what was done to make it (for the failure message). */
export interface FuzzCase {
  body: Buffer;
  /** Headers besides the key (which the sender adds); none means the defaults (JSON). */
  headers: Record<string, string | string[]>;
  /** Sent with `transfer-encoding: chunked` instead of a content length. */
  chunked: boolean;
  ops: string[];
  /** When the only change to the text is a leading BOM: the same body without it (it must get the same answer). */
  withoutBom?: Buffer;
  /** What the answer must be, where the mutation says: a forbidden key or a body too deep is a 400 naming why; a body at the limit is not refused for its depth. */
  expect?: { refused: RegExp } | { notRefused: RegExp };
}

/** What one mutation of the tree implies for the answer. */
type Implies = { forbidden: Entry } | { deepest: number } | undefined;
type Entry = Entries['entries'][number];

export interface MutateOptions {
  /** Valid bodies to start from. */
  corpus: readonly JsonObject[];
  /** Field names of the protocol, added where they were not. */
  fields: readonly string[];
  /** The largest string or array the fuzz makes, in bytes (the local engine's run keeps this small). */
  maxBytes: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A valid body of the corpus, changed by a few seeded mutations of its structure, its text and its headers. */
export function mutateBody(dice: Dice, options: MutateOptions): FuzzCase {
  const ops: string[] = [];
  const root = { value: cloneJson(dice.pick(options.corpus)) };
  const structural = dice.weighted([[2, 0], [5, 1], [3, 2], [1, 3]] as const);
  let implies: Implies;
  for (let i = 0; i < structural; i++) implies = mutateTree(dice, root, options, ops);
  let body: Buffer = Buffer.from(jsonText(root.value));
  let withoutBom: Buffer | undefined;
  const textChanged = dice.chance(0.25);
  if (textChanged) {
    const before = body;
    body = mutateText(dice, body, ops);
    if (ops.at(-1) === 'text: a leading BOM') withoutBom = before;
  }
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  let chunked = false;
  if (dice.chance(0.2)) mutateHeaders(dice, headers, ops);
  if (dice.chance(0.15)) {
    chunked = true;
    ops.push('headers: chunked, no content-length');
  }
  if (withoutBom !== undefined && ops.some((op) => op.startsWith('headers'))) withoutBom = undefined;
  // The text still being the tree's JSON, the last mutation's key stays forbidden; a depth is known when it was the only one.
  let expect: FuzzCase['expect'];
  if (!textChanged && implies !== undefined) {
    // (An earlier mutation may have made it too deep, which is refused first.)
    if ('forbidden' in implies) {
      if (parsedHas(root.value, implies.forbidden)) expect = { refused: /__proto__|nested more than/ };
    } else if (structural === 1) {
      expect = implies.deepest > MAX_BODY_DEPTH ? { refused: /nested more than/ } : { notRefused: /nested more than/ };
    }
  }
  return { body, headers, chunked, ops, ...(withoutBom === undefined ? {} : { withoutBom }), ...(expect === undefined ? {} : { expect }) };
}

/** A place in the tree: its path, how many levels enclose it, and how to change it. */
interface Slot {
  path: string;
  depth: number;
  get(): Json;
  set(value: Json): void;
  /** Removes it from its object or array (the root cannot be removed). */
  remove?(): void;
}

function slots(root: { value: Json }): Slot[] {
  const out: Slot[] = [];
  const walk = (value: Json, path: string, depth: number, set: (v: Json) => void, remove?: () => void): void => {
    out.push({ path, depth, get: () => value, set: (v) => { value = v; set(v); }, ...(remove === undefined ? {} : { remove }) });
    if (Array.isArray(value)) {
      const array = value;
      array.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1, (v) => { array[i] = v; }, () => { array.splice(i, 1); }));
    } else if (value instanceof Entries) {
      const entries = value.entries;
      entries.forEach(([k, item], i) => walk(item, `${path}.${k}`, depth + 1, (v) => { entries[i]![1] = v; }, () => { entries.splice(i, 1); }));
    } else if (isObject(value)) {
      const object = value;
      for (const [k, item] of Object.entries(object)) walk(item, `${path}.${k}`, depth + 1, (v) => { object[k] = v; }, () => { delete object[k]; });
    }
  };
  walk(root.value, '$', 0, (v) => { root.value = v; });
  return out;
}

const isContainerObject = (v: Json): v is JsonObject | Entries => isObject(v) || v instanceof Entries;

function mutateTree(dice: Dice, root: { value: Json }, options: MutateOptions, ops: string[]): Implies {
  const all = slots(root);
  const slot = dice.pick(all);
  const objects = all.filter((s) => isContainerObject(s.get()));
  const op = dice.weighted([
    [45, 'replace'], [10, 'remove'], [12, 'add field'], [8, 'forbidden key'], [7, 'duplicate key'], [5, 'reorder'], [6, 'copy'],
  ] as const);
  if (objects.length === 0 && (op === 'add field' || op === 'forbidden key' || op === 'duplicate key')) return mutateTree(dice, root, options, ops);
  switch (op) {
    case 'replace': {
      const [value, label, levels] = evilValue(dice, slot, options);
      slot.set(value);
      ops.push(`${slot.path} = ${label}`);
      return levels === undefined ? undefined : { deepest: slot.depth + levels };
    }
    case 'remove':
      if (slot.remove === undefined) return mutateTree(dice, root, options, ops);
      slot.remove();
      ops.push(`remove ${slot.path}`);
      return;
    case 'add field': {
      const at = dice.pick(objects);
      const key = dice.chance(0.8) ? dice.pick(options.fields) : dice.pick(['vendor_field', '', ' ', 'x'.repeat(300), 'ключ', 'a\u0000b', '\ud800', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__proto', '0', '-1']);
      const [value, label, levels] = evilValue(dice, { ...at, path: `${at.path}.${key}`, depth: at.depth + 1 }, options);
      setKey(at, JSON.stringify(key), value);
      ops.push(`${at.path} += ${JSON.stringify(key)}: ${label}`);
      return levels === undefined ? undefined : { deepest: at.depth + 1 + levels };
    }
    case 'forbidden key': {
      const at = dice.pick(objects);
      const [key, value, label, forbidden] = forbiddenEntry(dice);
      const entry = setKey(at, key, value, dice.chance(0.5));
      ops.push(`${at.path} += ${key}: ${label}`);
      return forbidden ? { forbidden: entry } : undefined;
    }
    case 'duplicate key': {
      const at = dice.pick(objects);
      const entries = asEntries(at);
      if (entries.entries.length === 0) return mutateTree(dice, root, options, ops);
      const [key, old] = dice.pick(entries.entries);
      const [value, label] = dice.chance(0.3) ? [cloneJson(old), 'the same value'] as const : evilValue(dice, { ...at, path: `${at.path}.${key}`, depth: at.depth + 1 }, options);
      const first = dice.chance(0.5);
      if (first) entries.entries.unshift([key, value]);
      else entries.entries.push([key, value]);
      ops.push(`${at.path}: ${key} again ${first ? 'before' : 'after'}, ${label}`);
      return;
    }
    case 'reorder': {
      const arrays = all.filter((s) => Array.isArray(s.get()) && (s.get() as Json[]).length > 0);
      if (arrays.length === 0) return mutateTree(dice, root, options, ops);
      const at = dice.pick(arrays);
      const array = at.get() as Json[];
      if (dice.chance(0.5)) {
        array.reverse();
        ops.push(`reverse ${at.path}`);
      } else {
        const i = dice.int(array.length);
        array.splice(i, 0, cloneJson(array[i]!));
        ops.push(`${at.path}[${i}] twice`);
      }
      return;
    }
    case 'copy': {
      const from = dice.pick(all);
      if (from.path === slot.path || from.path.startsWith(`${slot.path}.`) || from.path.startsWith(`${slot.path}[`) || slot.path.startsWith(from.path)) {
        return mutateTree(dice, root, options, ops);
      }
      slot.set(cloneJson(from.get()));
      ops.push(`${slot.path} = a copy of ${from.path}`);
      return;
    }
  }
}

/** The object at `slot` as Entries (so that keys may repeat or be escaped), put back in its place. */
function asEntries(slot: Slot): Entries {
  const value = slot.get();
  if (value instanceof Entries) return value;
  const entries = Entries.of(value as JsonObject);
  slot.set(entries);
  return entries;
}

function setKey(slot: Slot, rawKey: string, value: Json, first = false): Entry {
  const entries = asEntries(slot);
  const entry: Entry = [rawKey, value];
  if (first) entries.entries.unshift(entry);
  else entries.entries.push(entry);
  return entry;
}

/**
 * Whether `entry` is in what JSON.parse makes of the tree's text: of keys
 * that repeat, only the last counts, so an entry under an earlier one is
 * gone (and so is everything under it).
 */
function parsedHas(value: Json, entry: Entry): boolean {
  if (Array.isArray(value)) return value.some((v) => parsedHas(v, entry));
  if (value instanceof Entries) {
    const keys = value.entries.map(([k]) => JSON.parse(k) as string);
    return value.entries.some((e, i) => keys.lastIndexOf(keys[i]!) === i && (e === entry || parsedHas(e[1], entry)));
  }
  if (isObject(value)) return Object.values(value).some((v) => parsedHas(v, entry));
  return false;
}

/** Spellings of `__proto__` (escaped or not) and of `constructor` holding a `prototype`; and near misses, which are fine. */
function forbiddenEntry(dice: Dice): [rawKey: string, value: Json, label: string, forbidden: boolean] {
  const payload = (): Json => dice.pick<Json>([
    { top_k: 'abc' }, { min_p: [] }, { repeat_penalty: {} }, { stream: true }, { max_tokens: 'x' }, { model: 'nope' },
    { top_k: 'abc', min_p: 'abc', repeat_penalty: 'abc' }, null, 1, 'x', [], {},
  ]);
  switch (dice.int(4)) {
    case 0: {
      const key = dice.pick(['"__proto__"', '"\\u005f_proto__"', '"__proto\\u005f_"', '"\\u005F\\u005Fproto\\u005F\\u005F"', '"\\u005f\\u005f\\u0070\\u0072\\u006f\\u0074\\u006f\\u005f\\u005f"', '"_\\u005fproto__"']);
      const value = payload();
      return [key, value, jsonText(value), true];
    }
    case 1: {
      const key = dice.pick(['"constructor"', '"constr\\u0075ctor"', '"\\u0063onstructor"']);
      const proto = dice.pick(['"prototype"', '"prot\\u006ftype"', '"\\u0070rototype"']);
      const value = new Entries([[proto, payload()]]);
      return [key, value, jsonText(value), true];
    }
    case 2: {
      // A constructor key without a prototype, and other names a plain object inherits: to be taken as any other key.
      const key = dice.pick(['"constructor"', '"toString"', '"hasOwnProperty"', '"valueOf"', '"isPrototypeOf"', '"prototype"', '"__proto"', '"__defineGetter__"']);
      const value = dice.pick<Json>([{ a: 1 }, 'x', 1, null, [], {}]);
      return [key, value, jsonText(value), false];
    }
    default: {
      // Deep inside a value.
      const value = { a: [new Entries([[dice.pick(['"__proto__"', '"\\u005f_proto__"']), { polluted: true }]])] };
      return ['"nested"', value, jsonText(value), true];
    }
  }
}

/** A value of the wrong type, an edge case of the right one, or a huge or deep one; with its label. */
/** `levels`: how deep a value made to be deep nests (it counts as level 1). */
type Evil = [value: Json, label: string, levels?: number];

function evilValue(dice: Dice, slot: Pick<Slot, 'path' | 'depth' | 'get'>, options: MutateOptions): Evil {
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

function evilOf(dice: Dice, kind: EvilKind, slot: Pick<Slot, 'path' | 'depth' | 'get'>, options: MutateOptions): Evil {
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

/** Changes to the bytes: cut, broken UTF-8, control characters, a BOM, another body altogether. */
function mutateText(dice: Dice, body: Buffer, ops: string[]): Buffer {
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

function mutateHeaders(dice: Dice, headers: Record<string, string | string[]>, ops: string[]): void {
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
