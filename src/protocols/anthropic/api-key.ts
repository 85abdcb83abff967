import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken } from '../../lib/bearer-token.js';

/**
 * The caller's key: `x-api-key` as Anthropic documents it, or
 * `Authorization: Bearer` (the official SDK 1.x, and auth tokens).
 */
export function anthropicApiKey(headers: IncomingHttpHeaders): string | undefined {
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key.trim() !== '') return key.trim();
  return bearerToken(headers.authorization);
}
