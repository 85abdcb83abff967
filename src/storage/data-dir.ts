import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where Lingua keeps its SQLite database when the config names no
 * directory: `$LINGUA_DATA_DIR`, else the user's data directory —
 * `$XDG_DATA_HOME/lingua` (when absolute, as the XDG spec asks) or `~/.local/share/lingua` on Linux and other
 * Unixes, `~/Library/Application Support/lingua` on macOS,
 * `%LOCALAPPDATA%\lingua` on Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.LINGUA_DATA_DIR) return env.LINGUA_DATA_DIR;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'lingua');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'lingua');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'lingua');
}
