import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { formatPath } from '../lib/format-path.js';

/** A config that cannot be used; the message names the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
  const interpolated = interpolate(raw, env, []);
  const result = configSchema.safeParse(withEnvDefaults(interpolated, env));
  if (!result.success) throw new ConfigError(`${source}: ${describe(result.error)}`);
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

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${formatPath(i.path) || '(top level)'}: ${i.message}`).join('; ');
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value. An unset
 * variable without a default is an error naming the field that used it.
 */
function interpolate(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${formatPath(path)}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k])]));
  }
  return value;
}
