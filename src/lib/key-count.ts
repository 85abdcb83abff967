/**
 * Whether `value` is an object with more than `max` own keys. A record's
 * size has no zod check (nor a JSON Schema form the compiled check shares),
 * so decoders count their bounded records with this before validation
 * reads every entry.
 */
export function hasMoreKeysThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let keys = 0;
  for (const key in value) {
    if (Object.hasOwn(value, key) && ++keys > max) return true;
  }
  return false;
}
