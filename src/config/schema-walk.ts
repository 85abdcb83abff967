import type { z } from 'zod';

/** The parts of a zod 4 schema's definition this walk reads (zod keeps them on `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers that hold one schema (a default, optional, a transform's input…): the schema they hold. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (;;) {
    const def = defOf(schema);
    if (def.innerType !== undefined) schema = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) schema = def.in;
    else if (def.type === 'lazy' && def.getter !== undefined) schema = def.getter();
    else return schema;
  }
}

/**
 * The schemas that may apply to the value at `path` of `input` (several
 * where a plain union leaves it open; a discriminated union takes the
 * option `input` names), each unwrapped. None: the path is not in the schema.
 */
export function schemasAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType[] {
  let current = [unwrap(schema)];
  let value = input;
  for (const key of path) {
    current = current.flatMap((s) => options(s, value)).flatMap((s) => {
      const def = defOf(s);
      const child = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
      return child === undefined ? [] : [unwrap(child)];
    });
    value = typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current.flatMap((s) => options(s, value));
}

/** A union's options that may hold `value` (the one a discriminated union's tag names, when it names one); any other schema itself. */
function options(schema: z.ZodType, value: unknown): z.ZodType[] {
  const def = defOf(schema);
  if (def.type !== 'union' || def.options === undefined) return [schema];
  const all = def.options.map(unwrap);
  const tag = def.discriminator;
  if (tag !== undefined && typeof value === 'object' && value !== null) {
    const named = all.filter((o) => defOf(unwrap(defOf(o).shape?.[tag] ?? o)).values?.includes((value as Record<string, unknown>)[tag]));
    if (named.length > 0) return named.flatMap((o) => options(o, value));
  }
  return all.flatMap((o) => options(o, value));
}

/** The keys an object schema among `schemas` knows. */
export function knownKeys(schemas: readonly z.ZodType[]): string[] {
  return [...new Set(schemas.flatMap((s) => Object.keys(defOf(s).shape ?? {})))];
}

/** The kinds of value `schemas` take ('string', 'number', 'boolean', 'object'…). */
export function valueTypes(schemas: readonly z.ZodType[]): Set<string> {
  return new Set(schemas.map((s) => defOf(s).type));
}
