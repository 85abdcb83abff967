import type { FastifyRequest } from 'fastify';
import { LinguaError } from '../canonical/index.js';
import { isLoopbackAddress } from '../lib/loopback.js';

/** A header's first value (a proxy may have added others after it). */
function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(',')[0]?.trim();
}

/** The request reached Lingua over TLS, or through a reverse proxy on this machine that says it did (`x-forwarded-proto: https`). */
export function overTls(req: FastifyRequest): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  return isLoopbackAddress(req.socket.remoteAddress) && first(req.headers['x-forwarded-proto']) === 'https';
}

/** The host the browser asked for: the `Host` header, or a reverse proxy's `x-forwarded-host` when it is on this machine. */
function requestedHost(req: FastifyRequest): string | undefined {
  const forwarded = isLoopbackAddress(req.socket.remoteAddress) ? first(req.headers['x-forwarded-host']) : undefined;
  return (forwarded ?? req.headers.host)?.toLowerCase();
}

/**
 * A state-changing console call must come from the console's own pages:
 * its `Origin` (when the browser sends one, as browsers do on every POST,
 * PATCH and DELETE) names this server, and `Sec-Fetch-Site` (when sent)
 * says same-origin. A page of another site gets a 403 here, before the
 * CSRF token is even looked at.
 */
export function assertSameOrigin(req: FastifyRequest): void {
  const origin = first(req.headers.origin);
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      host = undefined;
    }
    if (host === undefined || host !== requestedHost(req)) throw crossSite(`Origin ${origin}`);
  }
  const site = first(req.headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw crossSite(`Sec-Fetch-Site: ${site}`);
}

function crossSite(what: string): LinguaError {
  return new LinguaError('permission', `The console refuses state-changing calls from other sites (${what}).`, { code: 'cross_site_request' });
}

export const isStateChanging = (method: string): boolean => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
