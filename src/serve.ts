import { isLoopback } from './lib/loopback.js';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './lib/logger.js';
import { buildLingua, type BuildOptions, type Lingua } from './server/app.js';
import { ConfigError } from './config/load.js';

export interface Running {
  lingua: Lingua;
  url: string;
  logger: Logger;
}

export { isLoopback } from './lib/loopback.js';

/** Builds the server from a config and listens; refuses an open host without keys. */
export async function serve(config: Config, logger = createLogger(config.server.log_level, config.server.log_format), options: BuildOptions = {}): Promise<Running> {
  const { host, port } = config.server;
  const lingua = await buildLingua(config, logger, [], options);
  // Keys may live in the config or the database: known once the database is open.
  if (!lingua.context.keys.required && !isLoopback(host)) {
    await lingua.close(0);
    throw new ConfigError(`server.host: refusing to listen on ${host} with no API keys configured; add an entry under 'keys' (or create one with 'lingua keys create') or listen on 127.0.0.1`);
  }
  await lingua.app.listen({ host, port });
  const address = lingua.app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { lingua, url: `http://${shown}:${bound}`, logger };
}
