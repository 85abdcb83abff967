/**
 * The benches' "platform" settings for Lingua: off (no key, no limits, no
 * ledger: today's gateway), or on, on SQLite with limits in memory, or on
 * PostgreSQL with limits in Redis. "On" is one database key with rpm and
 * tpm limits and a budget far above what a bench can use (so nothing is
 * ever refused, but every check and every count runs), and the usage
 * ledger on.
 */
import { Redis } from 'ioredis';
import { newKey } from '../../src/auth/key-format.js';
import { createLogger } from '../../src/lib/logger.js';
import { fromUsd } from '../../src/pricing/pricing.js';
import { openStorage } from '../../src/storage/index.js';
import { freshPostgresSchema, postgresSkip, redisSkip, redisUrl } from '../../test/support/services.js';

export type PlatformKind = 'off' | 'sqlite' | 'postgres';

/** Where a started Lingua keeps its data, and what it was set up with. */
export interface PlatformSetup {
  kind: PlatformKind;
  /** The server's `data_dir` (SQLite; with PostgreSQL still set, so that nothing lands in the user's data directory). */
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** The caller key's public id, and the header every call sends (none when off). */
  keyId?: string;
  headers: Record<string, string>;
  /** Drops what the run left behind: the PostgreSQL schema, the key's Redis entries. */
  cleanUp(): Promise<void>;
}

/** Limits no bench reaches: every request is admitted, counted and reserved, none refused (rpm and tpm are 32-bit columns). */
export const benchKeyLimits = { rpm: 100_000_000, tpm: 2_000_000_000, budgetUsd: 1_000_000, budgetPeriod: 'month' } as const;

/** USD per million tokens on the bench models, so that reservations and records carry costs. */
export const benchPricing = { input: 1, output: 2 } as const;

/** Why PostgreSQL + Redis cannot be benched here (printed as a notice), or false when both answer. */
export async function postgresRedisSkip(): Promise<string | false> {
  return (await postgresSkip()) || (await redisSkip());
}

/**
 * Creates what a platform of `kind` needs before the server starts: the
 * database (and its key). `rateLimits: false` leaves the key's rpm and tpm
 * out (its budget stays): their sliding-window logs hold every request of
 * the last minute by design, which a memory measurement of the ledger
 * alone must not count.
 */
export async function setUpPlatform(kind: PlatformKind, dataDir: string, { rateLimits = true } = {}): Promise<PlatformSetup> {
  if (kind === 'off') return { kind, dataDir, headers: {}, cleanUp: async () => {} };
  const schema = kind === 'postgres' ? await freshPostgresSchema() : undefined;
  const storage = await openStorage({ dataDir, logger: createLogger('warn'), ...(schema === undefined ? {} : { databaseUrl: schema.url }) });
  const k = newKey();
  try {
    await storage.keys.create({
      id: k.id, secretHash: k.hash, start: k.start, name: `bench ${kind}`,
      ...(rateLimits ? { rpm: benchKeyLimits.rpm, tpm: benchKeyLimits.tpm } : {}), budget: fromUsd(benchKeyLimits.budgetUsd), budgetPeriod: benchKeyLimits.budgetPeriod,
    });
  } finally {
    await storage.close();
  }
  const setup: PlatformSetup = {
    kind,
    dataDir,
    keyId: k.id,
    headers: { authorization: `Bearer ${k.key}` },
    cleanUp: async () => {
      await schema?.drop();
      if (kind === 'postgres') await dropRedisEntries(k.id);
    },
  };
  if (schema !== undefined) {
    setup.databaseUrl = schema.url;
    setup.redisUrl = redisUrl;
  }
  return setup;
}

/** Deletes the limit logs and budget figures of one key (`lingua:…:key:<id>…`); the others' entries are left alone. */
async function dropRedisEntries(keyId: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `lingua:*key:${keyId}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The server config lines of a platform (under `server:` and at the top level). */
export function platformConfig(setup: PlatformSetup): { server: string[]; top: string[] } {
  const server = [`data_dir: ${JSON.stringify(setup.dataDir)}`];
  if (setup.kind === 'off') server.push('usage_ledger: false');
  const top: string[] = [];
  if (setup.databaseUrl !== undefined) top.push(`database_url: ${JSON.stringify(setup.databaseUrl)}`);
  if (setup.redisUrl !== undefined) top.push(`redis_url: ${JSON.stringify(setup.redisUrl)}`);
  return { server, top };
}
