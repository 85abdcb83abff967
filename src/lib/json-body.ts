import secureJson from 'secure-json-parse';
import { LinguaError } from '../canonical/index.js';

/**
 * How deeply a request body may nest arrays and objects (the body itself is
 * level 1); deeper is a 400 `nesting_too_deep`. The chat APIs' own structure
 * takes at most 6 levels before free-form JSON starts (body → tools → tool →
 * function → parameters; body → messages → message → content → block →
 * input), which leaves over 120 for tool JSON schemas and tool inputs: about
 * 60 levels of nested objects in a schema (each costs two, `properties` and
 * the property), far beyond what real schemas use (OpenAI's structured
 * outputs allow 10). And it keeps every recursive step after parsing (zod,
 * Ajv, JSON.stringify, token estimation, error formatting, the local
 * engine's grammar builder) hundreds of frames below the stack's limit.
 */
export const MAX_BODY_DEPTH = 128;

/**
 * Bodies up to this many characters are parsed first and their depth is
 * checked on the value (~0.1 µs for a chat request): JSON.parse of the
 * deepest body this size (32 K nested brackets) takes a few milliseconds.
 * Larger bodies are scanned for depth before JSON.parse, which would spend
 * ~3 s on 20 MB of brackets; the scan stops at the first level too deep.
 */
const PARSE_FIRST_MAX_CHARS = 64 * 1024;

/**
 * A request body (its chunks, or its text) as JSON, the same way on every
 * endpoint: a leading UTF-8 byte-order mark is dropped; an empty body is
 * undefined; every other failure is a 400: text that is not JSON
 * (`invalid_json`), a body nested deeper than MAX_BODY_DEPTH
 * (`nesting_too_deep`), and a `__proto__` key, or a `constructor` key
 * holding a `prototype`, anywhere and however the key is spelled
 * (`"\u005f_proto__"` is one spelling): `forbidden_key`. Such a key is
 * refused rather than removed, so that nothing a client sent is dropped
 * without a word; and no prototype is ever touched, since JSON.parse
 * makes such a key a plain own property, which is then found and refused.
 */
export function parseJsonBody(body: string | readonly Buffer[]): unknown {
  let text = typeof body === 'string' ? body : body.length === 1 ? body[0]!.toString() : Buffer.concat(body).toString();
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return undefined;
  const parseFirst = text.length <= PARSE_FIRST_MAX_CHARS;
  if (!parseFirst && textNestsDeeper(text, MAX_BODY_DEPTH)) throw tooDeep();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' });
  }
  if (parseFirst && nestsDeeper(value, MAX_BODY_DEPTH)) throw tooDeep();
  // Almost every body holds neither word nor any \u escape: the walk over its keys is skipped then.
  if (typeof value === 'object' && value !== null && mayPoison(text)) refuseForbiddenKeys(value);
  return value;
}

/** Whether the text may spell a `__proto__` or `constructor` key: literally, or with any `\u` escape. */
function mayPoison(text: string): boolean {
  return text.includes('\\u') || text.includes('__proto__') || text.includes('constructor');
}

/** secure-json-parse's walk over the parsed keys (iterative: no depth limit of its own). */
function refuseForbiddenKeys(value: object): void {
  try {
    secureJson.scan(value as Record<string, unknown>, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new LinguaError('invalid_request', "The JSON body of your request holds a '__proto__' key, or a 'constructor' key with a 'prototype', which are not accepted (in any spelling).", { code: 'forbidden_key' });
  }
}

/** Whether a parsed value nests arrays and objects more than `limit` levels deep (recursion at most `limit` deep). */
function nestsDeeper(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeper(value[i], limit - 1)) return true;
    return false;
  }
  for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}

/**
 * The same question asked of JSON text, before parsing it: brackets are
 * counted outside strings. On text that is not JSON the answer may be
 * either; JSON.parse refuses such text anyway.
 */
function textNestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: jump to its closing quote, the first one after an even run of backslashes
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end === -1) return false;
        let backslash = end - 1;
        while (text.charCodeAt(backslash) === 0x5c) backslash--;
        i = end;
        if ((end - 1 - backslash) % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--;
    }
  }
  return false;
}

function tooDeep(): LinguaError {
  return new LinguaError('invalid_request', `The JSON body of your request is nested more than ${MAX_BODY_DEPTH} levels deep.`, { code: 'nesting_too_deep' });
}
