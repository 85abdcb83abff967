import type { Dice } from './dice.js';
import type { FuzzCase } from './mutate.js';

/**
 * `GET /v1/models/<id>` with a mutated id, as a path written as it stands
 * (node:http sends any byte from 0x21 to 0xff): bad percent escapes,
 * encoded invalid UTF-8 and NULs, names a plain object inherits, slashes,
 * dots, query strings, and ids long enough to pass the header limit.
 */
export function mutateModelPath(dice: Dice, models: readonly string[]): { path: string; case: FuzzCase } {
  const ops: string[] = [];
  let id = dice.pick([...models, ...models, 'nope', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '.', '..', 'a/b/c', 'org/model']);
  ops.push(`id ${JSON.stringify(id)}`);
  const changes = dice.between(0, 3);
  for (let i = 0; i < changes; i++) {
    const at = dice.int(id.length + 1);
    const put = (s: string) => { id = id.slice(0, at) + s + id.slice(at); };
    const change = dice.weighted([[4, 'escape'], [3, 'bad escape'], [3, 'encoded'], [2, 'raw byte'], [2, 'punctuation'], [1, 'long'], [2, 'suffix'], [1, 'encode all']] as const);
    switch (change) {
      case 'escape': {
        const byte = dice.int(256);
        put(`%${byte.toString(16).padStart(2, '0').toUpperCase()}`);
        ops.push(`%${byte.toString(16)} at ${at}`);
        break;
      }
      case 'bad escape': {
        const s = dice.pick(['%', '%G0', '%0', '%%', '%u0041', '%zz', '%-1']);
        put(s);
        ops.push(`${s} at ${at}`);
        break;
      }
      case 'encoded': {
        const s = dice.pick(['%C3%A9', '%C0%AF', '%FF', '%ED%A0%80', '%E2%82', '%F4%90%80%80', '%00', '%2F', '%2e%2e', '%3F', '%23', '%20', '%0A', '%EF%BB%BF']);
        put(s);
        ops.push(`${s} at ${at}`);
        break;
      }
      case 'raw byte': {
        const c = String.fromCharCode(dice.pick([0x80, 0xa0, 0xc3, 0xe9, 0xff, 0x7f]));
        put(c);
        ops.push(`raw byte ${c.charCodeAt(0).toString(16)} at ${at}`);
        break;
      }
      case 'punctuation': {
        const s = dice.pick(['/', '//', '.', '..', '/../', '#', '#x', ';', '*', '\\', '"', "'", '<', '>', '{', '}', '|', '^', '`', '[', ']', '&', '=', '+', '~']);
        put(s);
        ops.push(`${JSON.stringify(s)} at ${at}`);
        break;
      }
      case 'long': {
        const n = dice.pick([257, 2_000, 10_000, 20_000, 70_000]);
        put('a'.repeat(n));
        ops.push(`${n} × "a" at ${at}`);
        break;
      }
      case 'suffix': {
        const s = dice.pick(['/', '?', '?x=1', '?beta=true&x=%FF', '/x', '//', '?%', '#']);
        id += s;
        ops.push(`then ${JSON.stringify(s)}`);
        break;
      }
      case 'encode all':
        id = [...Buffer.from(id, 'latin1')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        ops.push('every byte percent-encoded');
        break;
    }
  }
  const path = `/v1/models/${id}`;
  return { path, case: { body: Buffer.alloc(0), headers: {}, chunked: false, ops } };
}
