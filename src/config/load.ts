import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { formatPath } from '../lib/format-path.js';
import { ConfigError } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { interpolate } from './interpolate.js';
import { knownKeys, schemasAt } from './schema-walk.js';

export { ConfigError };

/** Reads, interpolates and validates a YAML config file. */
export async function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return parseConfig(await readConfigFile(file), env, file);
}

/** A YAML config file as parsed, not yet validated (`{}` for an empty file). */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  return raw ?? {};
}

/** Validates a config object (after `${VAR}` interpolation). */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, source = 'config'): Config {
  const input = withEnvDefaults(interpolate(raw, env, configSchema), env);
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(`${source}: ${describe(result.error, input)}`);
  return result.data;
}

/** Settings the environment gives when the file does not: `LINGUA_ADMIN_KEY`, `DATABASE_URL`, `REDIS_URL`. */
function withEnvDefaults(raw: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const config = { ...(raw as Record<string, unknown>) };
  const fromEnv: Array<[string, string | undefined]> = [['admin_key', env.LINGUA_ADMIN_KEY], ['database_url', env.DATABASE_URL], ['redis_url', env.REDIS_URL]];
  for (const [field, value] of fromEnv) if (config[field] === undefined && value !== undefined && value !== '') config[field] = value;
  return config;
}

function describe(error: z.ZodError, input: unknown): string {
  return error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.code === 'unrecognized_keys' ? unknownKeys(i.keys, i.path, input) : i.message}`).join('; ');
}

/** Keys the schema does not know at `path`, each with the known key it is likely a typo of (`base_ulr` → `base_url`). */
function unknownKeys(keys: readonly string[], path: readonly PropertyKey[], input: unknown): string {
  const known = knownKeys(schemasAt(configSchema, path, input));
  return keys.map((key) => {
    const near = didYouMean(key, known);
    return `unknown key '${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}`;
  }).join(', ');
}
