/**
 * A JSON value that JSON.stringify cannot write: numbers as written
 * (`-0`, `1e999`, `9007199254740993`), strings with lone surrogates,
 * deep nesting made as text, and objects with duplicate or escaped keys.
 * The fuzz mutates these trees, then writes them as text.
 */
export type Json = null | boolean | number | string | Json[] | JsonObject | Raw | Entries;
export interface JsonObject { [key: string]: Json }

/** Text written as it stands where a value goes. */
export class Raw {
  constructor(readonly text: string, readonly label: string) {}
}

/** An object whose keys are written as they stand (quotes included): duplicates and escapes kept. */
export class Entries {
  constructor(readonly entries: Array<[rawKey: string, value: Json]>) {}

  static of(object: JsonObject): Entries {
    return new Entries(Object.entries(object).map(([k, v]) => [JSON.stringify(k), v]));
  }
}

export function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Raw) && !(value instanceof Entries);
}

/** The value as JSON text. */
export function jsonText(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${k}:${jsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) {
    // Arrays of a hundred thousand copies: joined, not concatenated one by one.
    const parts = new Array<string>(value.length);
    for (let i = 0; i < value.length; i++) parts[i] = jsonText(value[i]!);
    return `[${parts.join(',')}]`;
  }
  if (isObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** A deep copy (Raw values are immutable and shared). */
export function cloneJson(value: Json): Json {
  if (value instanceof Raw) return value;
  if (value instanceof Entries) return new Entries(value.entries.map(([k, v]) => [k, cloneJson(v)]));
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJson(v)]));
  return value;
}
