import type { Pool } from 'undici';
import { upstreamLimits, upstreamPool, type UpstreamLimits } from './upstream-config.js';
import { UpstreamSecrets } from './upstream-secrets.js';

/** What an HTTP provider holds for an upstream that takes its key as a bearer token (OpenAI's style). */
export interface BearerUpstream {
  pool: Pool;
  /** The path of the endpoint below `base_url`. */
  path: string;
  headers: Record<string, string>;
  /** The key and any credential in `headers`, kept out of what reaches clients. */
  secrets: UpstreamSecrets;
  limits: UpstreamLimits;
}

export interface BearerUpstreamConfig {
  base_url: string;
  api_key?: string | undefined;
  max_connections: number;
  connect_timeout_s: number;
  headers: Record<string, string>;
  max_response_mb: number;
  max_error_body_kb: number;
  max_sse_event_mb: number;
}

/** The pool, headers (JSON in, JSON or SSE out, `Authorization: Bearer <api_key>`), secrets and limits for `endpoint` below `base_url`. */
export function bearerUpstream(config: BearerUpstreamConfig, endpoint: string): BearerUpstream {
  const { pool, path } = upstreamPool(config.base_url, config.max_connections, endpoint, config.connect_timeout_s);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...config.headers };
  if (config.api_key) headers.authorization = `Bearer ${config.api_key}`;
  return { pool, path, headers, secrets: new UpstreamSecrets(headers), limits: upstreamLimits(config) };
}
