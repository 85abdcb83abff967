import type { z } from 'zod';
import { formatPath } from '../lib/format-path.js';
import { ConfigError } from './config-error.js';
import { schemasAt, valueTypes } from './schema-walk.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value. An unset
 * variable without a default is an error naming the field that used it.
 * The environment only holds strings, so an interpolated value where the
 * schema takes a number or a boolean (`port: ${PORT:-8080}`) becomes one,
 * as YAML would have read it written out; anywhere a string is taken it
 * stays a string (a key of digits is still a key).
 */
export function interpolate(raw: unknown, env: NodeJS.ProcessEnv, schema: z.ZodType): unknown {
  const interpolated: PropertyKey[][] = [];
  const root = replace(raw, env, [], interpolated);
  for (const path of interpolated) {
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)[k], root) as Record<PropertyKey, unknown>;
    const key = path[path.length - 1]!;
    parent[key] = typed(parent[key] as string, valueTypes(schemasAt(schema, path, root)));
  }
  return root;
}

function replace(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], interpolated: PropertyKey[][]): unknown {
  if (typeof value === 'string') {
    const out = value.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${formatPath(path)}: environment variable ${name} is not set`);
    });
    if (out !== value) interpolated.push(path);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => replace(v, env, [...path, i], interpolated));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, env, [...path, k], interpolated)]));
  }
  return value;
}

const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** `text` as the number or boolean the schema takes there, when it takes no string and the text is one; else `text`. */
function typed(text: string, types: Set<string>): unknown {
  if (types.has('string')) return text;
  const t = text.trim();
  if (types.has('number') && NUMBER.test(t)) return Number(t);
  if (types.has('boolean') && /^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
  return text;
}
