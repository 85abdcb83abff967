import { createHash } from 'node:crypto';
import { randomId } from '../lib/ids.js';

/**
 * Lingua's API keys: `sk-lingua-<public id>-<secret>`, a 12-character
 * base-62 public id (stable: lists, logs and usage records show it, and
 * it survives rotation) and a 32-character base-62 secret (~190 bits).
 * Only the SHA-256 of the whole key is stored; a key is looked up by its
 * id and its hash compared in constant time. A fast hash is right here:
 * the secret is random, not a password, so there is nothing to guess.
 */
export const KEY_PREFIX = 'sk-lingua-';
const ID_LENGTH = 12;
const SECRET_LENGTH = 32;
const shape = /^sk-lingua-([A-Za-z0-9]{12})-[A-Za-z0-9]{32}$/;

export interface NewKey {
  id: string;
  /** The whole key: shown once, never stored. */
  key: string;
  /** Hex SHA-256 of `key`. */
  hash: string;
  /** A non-secret prefix for lists: `sk-lingua-<id>`. */
  start: string;
}

export function newKey(id: string = randomId('', ID_LENGTH)): NewKey {
  const key = `${KEY_PREFIX}${id}-${randomId('', SECRET_LENGTH)}`;
  return { id, key, hash: hashKey(key), start: `${KEY_PREFIX}${id}` };
}

/** The public id of a string shaped like a Lingua key, else undefined. */
export function keyIdOf(presented: string): string | undefined {
  return shape.exec(presented)?.[1];
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
