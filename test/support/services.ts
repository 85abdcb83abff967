import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/**
 * The PostgreSQL and Redis this machine runs on loopback, for the tests
 * about them. Where one is down, `skipUnless` gives node:test a reason to
 * skip (printed in the report), except under CI (`CI` set), where a missing
 * service fails the test instead: CI must never pass by skipping.
 */
export const postgresBaseUrl = process.env.LINGUA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.LINGUA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): [string, number] {
  const u = new URL(url);
  return [u.hostname, u.port === '' ? defaultPort : Number(u.port)];
}

/** `false` when the service is up; otherwise the skip reason (or a throw under CI). */
async function skipUnless(name: string, url: string, defaultPort: number): Promise<string | false> {
  const [host, port] = hostPort(url, defaultPort);
  if (await reachable(host, port)) return false;
  const reason = `${name} is not reachable at ${host}:${port}: skipped (start it to run these tests)`;
  if (process.env.CI) throw new Error(`${reason}; under CI these tests must run`);
  console.log(`# NOTICE: ${reason}`);
  return reason;
}

export const postgresSkip = (): Promise<string | false> => skipUnless('PostgreSQL', postgresBaseUrl, 5432);
export const redisSkip = (): Promise<string | false> => skipUnless('Redis', redisUrl, 6379);

/** A random suffix for a PostgreSQL schema or a Redis key prefix of one test's own. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * A connection URL whose `search_path` is a schema of its own (created
 * here), so that test files never see each other's tables. `drop()` removes it.
 */
export async function freshPostgresSchema(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const schema = uniqueName('t');
  const admin = new pg.Client({ connectionString: postgresBaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresBaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresBaseUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}
