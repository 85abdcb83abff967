import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AuthThrottle } from '../auth/auth-throttle.js';
import { LinguaError } from '../canonical/index.js';
import type { Config } from '../config/schema.js';
import { bearerToken } from '../lib/bearer-token.js';
import { hostName, isLoopback, isLoopbackAddress } from '../lib/loopback.js';

/** The admin endpoints are off: a server on a non-loopback host without an admin key (docs/admin-api.md). */
export function adminOff(config: Config): boolean {
  return config.admin_key === undefined && !isLoopback(config.server.host);
}

/** Puts the admin guard on every route of this Fastify context, and `cache-control: no-store` on its answers (they carry secrets and account data). */
export function guardAdminRoutes(app: FastifyInstance, adminKey: string | undefined, throttle: AuthThrottle): void {
  const guard = adminGuard(adminKey, throttle);
  app.addHook('onRequest', async (req) => guard({ headers: req.headers, address: req.socket.remoteAddress }));
  app.addHook('onSend', async (_req, reply) => { void reply.header('cache-control', 'no-store'); });
}

/** What the admin API's guard looks at in a request. */
export interface AdminRequest {
  headers: IncomingHttpHeaders;
  /** The peer's address. */
  address: string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Who may use the admin API. With an admin key: a caller presenting it as
 * `Authorization: Bearer <admin key>`, compared in constant time (both
 * sides hashed, so neither the length nor the content leaks); failures
 * count against the address in the same throttle as the caller endpoints'.
 *
 * Without one (loopback servers only: see adminApi): requests from this
 * machine only, and not from web pages: the peer must be a loopback
 * address, the `Host` a loopback name (a DNS-rebinding page names its own
 * host), and an `Origin`, when sent, a loopback one (another site's page).
 */
export function adminGuard(adminKey: string | undefined, throttle: AuthThrottle): (req: AdminRequest) => void {
  if (adminKey === undefined) return (req) => {
    if (!fromThisMachine(req)) {
      throw new LinguaError('permission', 'Without an admin key, the admin API answers only requests made on this machine (not web pages); set `admin_key` (or LINGUA_ADMIN_KEY) to call it otherwise.', { code: 'admin_key_required' });
    }
  };
  const expected = digest(adminKey);
  return (req) => {
    throttle.check(req.address);
    const presented = bearerToken(req.headers.authorization);
    if (presented === undefined || presented === '') {
      throw new LinguaError('authentication', 'No admin key provided. Send it as an `Authorization: Bearer <admin key>` header.', { code: 'missing_admin_key' });
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      throttle.fail(req.address);
      throw new LinguaError('authentication', 'Incorrect admin key provided.', { code: 'invalid_admin_key' });
    }
  };
}

function fromThisMachine(req: AdminRequest): boolean {
  if (!isLoopbackAddress(req.address)) return false;
  const host = req.headers.host === undefined ? undefined : hostName(req.headers.host);
  if (host === undefined || !isLoopback(host)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return isLoopback(hostName(new URL(origin).host) ?? '');
  } catch {
    return false;
  }
}
