import { Pool } from 'undici';
import { z } from 'zod';
import type { ProviderStats } from '../provider.js';

/**
 * The config fields every HTTP upstream provider has, spread into each
 * provider's schema; `timeoutS` is that provider's default for `timeout_s`.
 */
export function upstreamFields(timeoutS: number) {
  return {
    /** Up to and including the version segment: `http://host:8000/v1`, `https://ling-1t.ai/api/v1`. */
    base_url: z.url({ protocol: /^https?$/ }),
    api_key: z.string().optional(),
    /** Until the first byte: for a non-streaming call, the whole call; for a stream, until the response headers. */
    timeout_s: z.number().positive().default(timeoutS),
    /** Streaming: the longest silence allowed between two chunks. */
    stream_idle_timeout_s: z.number().positive().default(300),
    /** The longest wait for a new connection (TCP and TLS) to the upstream. */
    connect_timeout_s: z.number().positive().default(10),
    /** The longest a whole call may take, a stream to its end included; absent: only the bounds above. */
    total_timeout_s: z.number().positive().optional(),
    /** Most open connections to the upstream (keep-alive pooled). */
    max_connections: z.int().positive().default(256),
    /** Extra headers sent upstream on every request. */
    headers: z.record(z.string(), z.string()).default({}),
    /** Largest answer read whole (a non-streaming JSON body); past it the call ends with a 502. */
    max_response_mb: z.number().positive().default(64),
    /** Largest error body read for its message (any non-2xx answer); past it the call ends with a 502. */
    max_error_body_kb: z.number().positive().default(256),
    /** Streaming: the largest SSE event (a line without its end, or one event's data lines); past it the call ends with a 502. */
    max_sse_event_mb: z.number().positive().default(16),
  };
}

/** How much of an upstream's answer is read at most: a provider config's `max_*` fields. */
export interface UpstreamLimits {
  maxResponseMb: number;
  maxErrorBodyKb: number;
  maxSseEventMb: number;
  /** `max_sse_event_mb` in characters: also what a stream mapper holds of one item (arguments before a tool call's name, a signature). */
  sseEventChars: number;
}

export function upstreamLimits(config: { max_response_mb: number; max_error_body_kb: number; max_sse_event_mb: number }): UpstreamLimits {
  return {
    maxResponseMb: config.max_response_mb,
    maxErrorBodyKb: config.max_error_body_kb,
    maxSseEventMb: config.max_sse_event_mb,
    sseEventChars: Math.floor(config.max_sse_event_mb * 1024 * 1024),
  };
}

/** A provider config's timeouts, as an `UpstreamExchange` takes them. */
export function upstreamTimeouts(config: { timeout_s: number; stream_idle_timeout_s: number; connect_timeout_s: number; total_timeout_s?: number | undefined }) {
  return { timeoutS: config.timeout_s, idleTimeoutS: config.stream_idle_timeout_s, connectTimeoutS: config.connect_timeout_s, totalTimeoutS: config.total_timeout_s };
}

/** A keep-alive pool to `base_url`'s origin, and the path of `endpoint` below `base_url`. */
export function upstreamPool(baseUrl: string, maxConnections: number, endpoint: string, connectTimeoutS = 10): { pool: Pool; path: string } {
  const url = new URL(baseUrl);
  return {
    pool: new Pool(url.origin, { connections: maxConnections, keepAliveTimeout: 30_000, pipelining: 1, connectTimeout: connectTimeoutS * 1000 }),
    path: `${url.pathname.replace(/\/+$/, '')}/${endpoint}`,
  };
}

/** A pool's sockets and requests, for metrics: open (`connected`), idle, waiting for a socket, running. */
export function poolStats(pool: Pool): ProviderStats {
  const { connected, free, pending, running } = pool.stats;
  return { connections: { open: connected, free, pending, running } };
}
