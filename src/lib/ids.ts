import { randomFillSync } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const poolSize = 4096;

/**
 * Random id characters drawn from the CSPRNG in bulk: one `randomFillSync`
 * per 4 KB, turned into base-62 characters at once, and each id a slice of
 * them (one small string per id instead of one per character). Each random
 * byte is used once, so ids stay as unpredictable as before. Module-level,
 * like Node's own pool behind `randomUUID`: it holds no state anyone can
 * observe.
 */
const bytes = Buffer.alloc(poolSize);
let chars = '';
let used = poolSize;

/** A random id of `length` base-62 characters after `prefix`. */
export function randomId(prefix: string, length = 24): string {
  if (length > poolSize) throw new RangeError(`id length ${length} is too long`);
  if (used + length > poolSize) refill();
  const id = prefix + chars.slice(used, used + length);
  used += length;
  return id;
}

function refill(): void {
  randomFillSync(bytes);
  for (let i = 0; i < poolSize; i++) bytes[i] = alphabet.charCodeAt(bytes[i]! % 62);
  chars = bytes.toString('latin1');
  used = 0;
}

export const newToolCallId = (): string => randomId('call_');
