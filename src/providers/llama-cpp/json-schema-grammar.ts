import type { GbnfJsonSchema } from 'node-llama-cpp';
import { invalidRequest } from '../../canonical/index.js';

/**
 * A JSON Schema as the subset node-llama-cpp turns into a grammar. The
 * grammar makes every listed property required and allows no other
 * properties, so its output is always valid against the original schema.
 * Keywords it cannot enforce (`pattern`, `minimum`, `allOf`…): in `strict`
 * mode (response_format) the request is rejected naming the keyword, so a
 * client never gets output its schema forbids; otherwise (tool parameters,
 * which the model also reads as text) they are left out of the grammar.
 */
export function toGrammarSchema(schema: unknown, param: string, strict: boolean): GbnfJsonSchema {
  return convert(schema, param, strict) as GbnfJsonSchema;
}

/** Keywords that only describe. */
const annotations = new Set(['title', 'description', 'default', 'examples', '$schema', '$id', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'strict']);
const formats = new Set(['date-time', 'date', 'time']);
const basicTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const jsonTypes = new Set([...basicTypes, 'object', 'array']);
/** The most repetitions llama.cpp's grammar parser accepts (its MAX_REPETITION_THRESHOLD): the bound on a `min…` keyword. */
const maxRepetitions = 2000;

/** Any JSON value. */
const anyValue = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] };

type Json = Record<string, unknown>;

function convert(node: unknown, path: string, strict: boolean): Json {
  if (node === true) return anyValue;
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw invalidRequest('Invalid JSON schema: expected an object.', path, 'invalid_json_schema');
  }
  const s = node as Json;
  const out: Json = {};
  for (const key of Object.keys(s)) {
    const value = s[key];
    const at = `${path}.${key}`;
    switch (key) {
      case 'type': out.type = checkedType(value, at); break;
      case 'enum':
        if (!Array.isArray(value) || value.length === 0) throw invalid(at, 'a non-empty array');
        value.forEach((v, i) => literal(v, `${at}[${i}]`));
        out.enum = value;
        break;
      case 'const': out.const = literal(value, at); break;
      case 'minLength': case 'minItems': case 'minProperties':
        out[key] = count(value, at, maxRepetitions);
        break;
      case 'maxLength': case 'maxItems': case 'maxProperties':
        out[key] = count(value, at, Number.MAX_SAFE_INTEGER);
        break;
      case 'required':
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw invalid(at, 'an array of strings');
        out.required = value;
        break;
      case 'format':
        if (formats.has(value as string)) out.format = value;
        else unsupported(at, strict);
        break;
      case 'properties': case '$defs':
        out[key] = Object.fromEntries(Object.entries(object(value, at)).map(([k, v]) => [k, convert(v, `${at}.${k}`, strict)]));
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'boolean' ? value : convert(value, at, strict);
        break;
      case 'items':
        out.items = convert(value, at, strict);
        break;
      case 'prefixItems': case 'oneOf': case 'anyOf':
        if (!Array.isArray(value)) throw invalid(at, 'an array of schemas');
        out[key === 'anyOf' ? 'oneOf' : key] = value.map((v, i) => convert(v, `${at}[${i}]`, strict));
        break;
      case '$ref':
        if (typeof value !== 'string' || !value.startsWith('#/$defs/')) {
          throw invalidRequest("Only local references of the form '#/$defs/NAME' are supported in JSON schemas here.", at, 'unsupported_json_schema');
        }
        out.$ref = value;
        break;
      default:
        if (annotations.has(key)) {
          if (key === 'description' && typeof value === 'string') out.description = value;
        } else {
          unsupported(at, strict);
        }
    }
  }
  return splitMixedTypes(out);
}

function invalid(path: string, expected: string) {
  return invalidRequest(`Invalid JSON schema: '${path}' must be ${expected}.`, path, 'invalid_json_schema');
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'an object');
  return value as Json;
}

function checkedType(value: unknown, path: string): unknown {
  const names = Array.isArray(value) ? value : [value];
  if (names.length === 0 || !names.every((t) => typeof t === 'string' && jsonTypes.has(t))) {
    throw invalid(path, `one of ${[...jsonTypes].join(', ')}, or a non-empty array of them`);
  }
  return value;
}

/** An `enum` or `const` value: the grammar can only spell strings, numbers, booleans and null. */
function literal(value: unknown, path: string): unknown {
  if (value !== null && typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
    throw invalidRequest(`The JSON schema value at '${path}' cannot be enforced by the local engine's grammar: only strings, numbers, booleans and null can be.`, path, 'unsupported_json_schema');
  }
  return value;
}

function count(value: unknown, path: string, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(path, 'a non-negative integer');
  if (value > max) throw invalidRequest(`The JSON schema keyword at '${path}' cannot be enforced by the local engine's grammar above ${max}.`, path, 'unsupported_json_schema');
  return value;
}

function unsupported(path: string, strict: boolean): void {
  if (!strict) return;
  throw invalidRequest(
    `The JSON schema keyword at '${path}' cannot be enforced by the local engine's grammar. Supported: type, properties, additionalProperties, items, prefixItems, enum, const, anyOf/oneOf, $defs/$ref, minLength/maxLength, minItems/maxItems, format (date, time, date-time).`,
    path,
    'unsupported_json_schema',
  );
}

/** Gives a schema a type the grammar knows: none means an object (with properties) or anything; a list with `object` or `array` becomes `oneOf`. */
function splitMixedTypes(s: Json): Json {
  const type = s.type;
  if (type === undefined) {
    if (s.properties !== undefined || s.additionalProperties !== undefined) return { ...s, type: 'object' };
    if (s.enum === undefined && s.const === undefined && s.oneOf === undefined && s.$ref === undefined) return { ...anyValue, ...s };
    return s;
  }
  if (!Array.isArray(type)) return s;
  const basic = type.filter((t) => basicTypes.has(t as string));
  if (basic.length === type.length) return s;
  const { type: _, ...rest } = s;
  const variants: Json[] = type.filter((t) => !basicTypes.has(t as string)).map((t) => ({ ...rest, type: t }));
  if (basic.length > 0) variants.push({ type: basic });
  return { oneOf: variants };
}
