import { pino } from 'pino';
import { AdminService } from '../admin/admin-service.js';
import { LedgerBudgets } from '../admin/ledger-budgets.js';
import { parseConfig, readConfigFile } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { defaultDataDir, openStorage, type Storage } from '../storage/index.js';

export interface DatabaseOptions {
  /** A YAML config file (default `$LINGUA_CONFIG`). */
  config?: string;
}

export interface DatabaseSettings {
  databaseUrl?: string;
  dataDir: string;
}

/**
 * The database the server would use, found the way the server finds it:
 * the config file's `database_url` and `server.data_dir` (with `--config`
 * or `$LINGUA_CONFIG`), else `$DATABASE_URL`, else SQLite in
 * `$LINGUA_DATA_DIR` or the default data directory. Only those two fields
 * of the file are read, so the CLI needs none of the environment variables
 * that the rest of it (upstream keys) may name.
 */
export async function databaseSettings(options: DatabaseOptions, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseSettings> {
  const file = options.config ?? env.LINGUA_CONFIG;
  const raw = file === undefined ? {} : await readConfigFile(file);
  const config = parseConfig(storageFields(raw), env, file ?? 'environment');
  return {
    ...(config.database_url === undefined ? {} : { databaseUrl: config.database_url }),
    dataDir: config.server.data_dir ?? defaultDataDir(env),
  };
}

/** `database_url` and `server.data_dir` of a parsed file (anything else is left to parseConfig to refuse). */
function storageFields(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const { database_url, server } = raw as { database_url?: unknown; server?: unknown };
  const dataDir = typeof server === 'object' && server !== null && !Array.isArray(server) ? { data_dir: (server as { data_dir?: unknown }).data_dir } : server;
  return { database_url, server: dataDir };
}

export interface OpenedAdmin {
  admin: AdminService;
  storage: Storage;
  close(): Promise<void>;
}

/** The admin service on the server's database (budget figures from the ledger: the CLI runs no budget store). */
export async function openAdmin(options: DatabaseOptions): Promise<OpenedAdmin> {
  const settings = await databaseSettings(options);
  // Warnings and errors on stderr: stdout is the command's output.
  const logger = pino({ level: process.env.LINGUA_LOG_LEVEL ?? 'warn', base: undefined }, pino.destination(2)) as unknown as Logger;
  const storage = await openStorage({ ...settings, logger });
  return { admin: new AdminService(storage, new LedgerBudgets(storage.usage)), storage, close: () => storage.close() };
}
