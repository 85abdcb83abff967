import type { Dice } from './dice.js';
import { evilValue, type Place, type ValueOptions } from './evil-values.js';
import { cloneJson, Entries, isObject, jsonText, type Json, type JsonObject } from './json-text.js';

/** What one mutation of the tree implies for the answer. */
export type Implies = { forbidden: Entry } | { deepest: number } | undefined;
type Entry = Entries['entries'][number];

export interface TreeOptions extends ValueOptions {
  /** Field names of the protocol, added where they were not. */
  fields: readonly string[];
}

/** A place in the tree, and how to change it. */
interface Slot extends Place {
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

/** One seeded change to the tree: a value replaced or removed, a field added, a forbidden or repeated key, arrays reordered, a part copied elsewhere. */
export function mutateTree(dice: Dice, root: { value: Json }, options: TreeOptions, ops: string[]): Implies {
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
export function parsedHas(value: Json, entry: Entry): boolean {
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

