import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals small values the server hands a client to send back later (the
 * Responses API's `encrypted_content`): AES-256-GCM under a server key, so
 * the client can neither read nor alter them, bound to a context (the
 * caller's account) so one account cannot replay another's. A token is
 * `<prefix>` + base64url(iv ‖ tag ‖ ciphertext). node:crypto does the
 * cryptography; this file only frames it.
 */
export class Sealer {
  readonly #key: Buffer;
  readonly #prefix: string;

  constructor(key: Buffer, prefix: string) {
    if (key.length !== 32) throw new Error('a Sealer needs a 32-byte key');
    this.#key = key;
    this.#prefix = prefix;
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return this.#prefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plaintext, or undefined when the token is not one this key sealed for `context` (or was altered). */
  open(token: string, context: string): string | undefined {
    if (!token.startsWith(this.#prefix)) return undefined;
    const raw = Buffer.from(token.slice(this.#prefix.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
