import { Ajv } from 'ajv';
import { z } from 'zod';

const ajv = new Ajv({ strict: true, allErrors: false, messages: false, validateFormats: false, discriminator: true });

type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema's own JSON Schema (`z.toJSONSchema`), compiled by Ajv into
 * one plain JavaScript function: true when the value is valid.
 *
 * Used in front of `schema.safeParse` on hot paths: a valid body passes the
 * compiled check and is used as it is; only a body it rejects goes through
 * zod, whose issues name the field in the error. zod stays the one
 * definition of what is valid. On a chat request zod's parse allocates
 * ~2.5 KB and costs ~3 µs of CPU under load; the compiled check allocates
 * next to nothing (docs/benchmark.md).
 *
 * The schema must not change what it parses (no defaults, no transforms, no
 * unknown keys stripped: objects are `.loose()` or `z.strictObject`), so that
 * the value checked is the value zod would return: enforced here.
 */
export function compileCheck<S extends z.ZodType>(schema: S): (value: unknown) => value is z.output<S> {
  const input = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' });
  const output = z.toJSONSchema(schema, { io: 'output', target: 'draft-7' });
  if (JSON.stringify(input) !== JSON.stringify(output)) {
    throw new Error('compileCheck: the schema has defaults, transforms or objects that strip unknown keys; its parsed value would differ from its input');
  }
  delete input.$schema;
  return ajv.compile(withDiscriminators(input) as JsonSchema) as (value: unknown) => value is z.output<S>;
}

/**
 * Marks each `oneOf` whose branches are told apart by a constant property
 * (zod's `discriminatedUnion`) with Ajv's `discriminator`: the check then
 * tries only the branch the tag names. Trying every branch would build an
 * error object for each one that fails, on every valid message.
 */
function withDiscriminators(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withDiscriminators);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = withDiscriminators(value);
  const branches = out.oneOf as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const props = (b: JsonSchema) => (b.properties ?? {}) as Record<string, JsonSchema>;
    const tag = Object.keys(props(branches[0]!)).find((k) => branches.every((b) => props(b)[k]?.const !== undefined && (b.required as string[] | undefined)?.includes(k)));
    if (tag !== undefined) {
      out.type = 'object';
      out.discriminator = { propertyName: tag };
    }
  }
  return out;
}
