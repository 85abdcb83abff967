import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where Lingua keeps downloaded and generated models: `$LINGUA_CACHE_DIR`, else `$XDG_CACHE_HOME/lingua`, else `~/.cache/lingua`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LINGUA_CACHE_DIR) return env.LINGUA_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lingua');
}
