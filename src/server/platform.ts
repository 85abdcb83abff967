import type { Redis } from 'ioredis';
import { AuthThrottle } from '../auth/auth-throttle.js';
import { KeyStore } from '../auth/key-store.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { Sealer } from '../lib/sealer.js';
import { createLimits, type BudgetSeed, type BudgetStore, type Limiter } from '../limits/index.js';
import { defaultDataDir, openStorage, type Storage } from '../storage/index.js';

/** The platform's parts a server runs on: the database, the key cache, limits and budgets. */
export interface Platform {
  storage: Storage;
  keys: KeyStore;
  authThrottle: AuthThrottle;
  limiter: Limiter;
  budgets: BudgetStore;
  /** Seals what clients hold for the server (the Responses API's `encrypted_content`), under a key every instance on the database shares. */
  sealer: Sealer;
  /** The Redis connection limits and budgets share (with `redis_url`), for other shared state and health checks. */
  redis: Redis | undefined;
  /** Stops following keys, closes limits and Redis, flushes the ledger and closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the platform of a config: SQLite in the data directory, or
 * PostgreSQL with `database_url`; limits and budgets in memory, or in Redis
 * with `redis_url` (exact across instances). Budgets are seeded from the
 * ledger, so what was spent survives restarts.
 */
export async function openPlatform(config: Config, logger: Logger): Promise<Platform> {
  const storage = await openStorage({
    ...(config.database_url === undefined ? {} : { databaseUrl: config.database_url }),
    dataDir: config.server.data_dir ?? defaultDataDir(),
    responsesRetentionDays: config.server.responses_retention_days,
    logger,
  });
  const sealer = new Sealer(await storage.secrets.getOrCreate('sealer', 32), 'lingua-s1.');
  const keys = new KeyStore(config.keys, { storage, logger });
  await keys.start();
  const seed: BudgetSeed = (scopeId, since) => storage.usage.spent(scopeId.startsWith('acct:') ? { accountId: scopeId.slice(5) } : { keyId: scopeId.slice(4) }, since);

  const limits = await createLimits({ ...(config.redis_url === undefined ? {} : { redisUrl: config.redis_url }), logger, seed });
  return {
    storage,
    keys,
    authThrottle: new AuthThrottle(config.server.auth_failures_per_minute),
    limiter: limits.limiter,
    budgets: limits.budgets,
    sealer,
    redis: limits.redis,
    close: async () => {
      await keys.close();
      await limits.close();
      await storage.close();
    },
  };
}
