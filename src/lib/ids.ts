import { randomFillSync } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Random bytes drawn from the CSPRNG in bulk: one `randomFillSync` per 4 KB
 * instead of one `randomBytes` call per id (~3 µs each). Each byte is used
 * once, so ids stay as unpredictable as before. Module-level, like Node's
 * own pool behind `randomUUID`: it holds no state anyone can observe.
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

/** A random id of `length` base-62 characters after `prefix`. */
export function randomId(prefix: string, length = 24): string {
  if (length > pool.length) throw new RangeError(`id length ${length} is too long`);
  if (used + length > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[pool[used + i]! % 62];
  used += length;
  return out;
}

export const newToolCallId = (): string => randomId('call_');
