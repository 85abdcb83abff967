import type { Config } from '../config/schema.js';

/**
 * Config fields a reload does not apply: where the server listens, how its
 * HTTP edge reads requests, and the platform it opened at start (database,
 * Redis, admin key, metrics listener). Everything else — providers, models,
 * keys, pricing, limits, search, stream bounds, `log_level` — is reloaded.
 */
const restartOnly = {
  server: ['host', 'port', 'body_limit_mb', 'request_timeout_s', 'data_dir', 'auth_failures_per_minute', 'usage_ledger', 'log_format', 'responses_retention_days'],
  top: ['admin_key', 'database_url', 'redis_url', 'metrics'],
  /** Where shared cooldowns live: kept from the first router (docs/routing.md). */
  routing: ['redis_prefix', 'cooldown_sync_ms'],
} as const;

/** The restart-only fields whose value differs between two configs (`server.port`, `redis_url`…). */
export function restartOnlyChanges(running: Config, next: Config): string[] {
  const changed: string[] = [];
  const differs = (a: unknown, b: unknown): boolean => JSON.stringify(a) !== JSON.stringify(b);
  const server = (c: Config) => c.server as Record<string, unknown>;
  for (const f of restartOnly.server) if (differs(server(running)[f], server(next)[f])) changed.push(`server.${f}`);
  const top = (c: Config) => c as Record<string, unknown>;
  for (const f of restartOnly.top) if (differs(top(running)[f], top(next)[f])) changed.push(f);
  for (const f of restartOnly.routing) if (differs(running.routing[f], next.routing[f])) changed.push(`routing.${f}`);
  return changed;
}
