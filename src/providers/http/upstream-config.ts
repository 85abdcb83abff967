import { Pool } from 'undici';
import { z } from 'zod';

/**
 * The config fields every HTTP upstream provider has, spread into each
 * provider's schema; `timeoutS` is that provider's default for `timeout_s`.
 */
export function upstreamFields(timeoutS: number) {
  return {
    /** Up to and including the version segment: `http://host:8000/v1`, `https://ling-1t.ai/api/v1`. */
    base_url: z.url({ protocol: /^https?$/ }),
    api_key: z.string().optional(),
    /** Non-streaming: the whole call; streaming: until the first byte. */
    timeout_s: z.number().positive().default(timeoutS),
    /** Streaming: the longest silence allowed between two chunks. */
    stream_idle_timeout_s: z.number().positive().default(300),
    /** Most open connections to the upstream (keep-alive pooled). */
    max_connections: z.int().positive().default(256),
    /** Extra headers sent upstream on every request. */
    headers: z.record(z.string(), z.string()).default({}),
  };
}

/** A keep-alive pool to `base_url`'s origin, and the path of `endpoint` below `base_url`. */
export function upstreamPool(baseUrl: string, maxConnections: number, endpoint: string): { pool: Pool; path: string } {
  const url = new URL(baseUrl);
  return {
    pool: new Pool(url.origin, { connections: maxConnections, keepAliveTimeout: 30_000, pipelining: 1 }),
    path: `${url.pathname.replace(/\/+$/, '')}/${endpoint}`,
  };
}
