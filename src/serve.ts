import { isIP } from 'node:net';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './lib/logger.js';
import { buildLingua, type Lingua } from './server/app.js';
import { ConfigError } from './config/load.js';

export interface Running {
  lingua: Lingua;
  url: string;
  logger: Logger;
}

/** True for names and addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** Builds the server from a config and listens; refuses an open host without keys. */
export async function serve(config: Config, logger = createLogger(config.server.log_level)): Promise<Running> {
  const { host, port } = config.server;
  if (config.keys.length === 0 && !isLoopback(host)) {
    throw new ConfigError(`server.host: refusing to listen on ${host} with no API keys configured; add an entry under 'keys' or listen on 127.0.0.1`);
  }
  const lingua = await buildLingua(config, logger);
  await lingua.app.listen({ host, port });
  const address = lingua.app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { lingua, url: `http://${shown}:${bound}`, logger };
}
