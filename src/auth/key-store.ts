import { createHash, timingSafeEqual } from 'node:crypto';
import { LinguaError } from '../canonical/index.js';
import { anonymousCaller, type Caller } from './caller.js';
import { ModelScope } from './model-scope.js';

interface StoredKey {
  caller: Caller;
  hash: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The API keys the server accepts. Only SHA-256 hashes are held; a presented
 * key is hashed, looked up by its hash and compared in constant time.
 * With no keys at all, every caller is accepted (loopback use only: the
 * server refuses to listen elsewhere without keys).
 */
export class KeyStore {
  readonly #byHash = new Map<string, StoredKey>();

  constructor(keys: ReadonlyArray<{ name: string; key: string }>) {
    for (const k of keys) {
      const hash = sha256(k.key);
      const id = `cfg:${k.name}`;
      this.#byHash.set(hash.toString('base64'), { caller: { keyId: id, keyName: k.name, accountId: id, models: ModelScope.all }, hash });
    }
  }

  get required(): boolean {
    return this.#byHash.size > 0;
  }

  /** The caller's key, or a 401. */
  authenticate(presented: string | undefined): Caller {
    if (!this.required) return anonymousCaller;
    if (presented === undefined || presented === '') {
      throw new LinguaError('authentication', 'No API key provided. Send it as an `Authorization: Bearer <key>` header.', { code: 'missing_api_key' });
    }
    const hash = sha256(presented);
    const stored = this.#byHash.get(hash.toString('base64'));
    if (stored === undefined || !timingSafeEqual(stored.hash, hash)) {
      throw new LinguaError('authentication', 'Incorrect API key provided.', { code: 'invalid_api_key' });
    }
    return stored.caller;
  }
}
