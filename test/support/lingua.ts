import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { buildLingua, type Lingua } from '../../src/server/app.js';
import type { Provider } from '../../src/providers/provider.js';

export interface TestServer {
  lingua: Lingua;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a real Lingua server on a free loopback port from a config object
 * (the same shape as the YAML file). Logs are silent unless LINGUA_TEST_LOG is set.
 */
export async function startLingua(config: Record<string, unknown>, extraProviders: Provider[] = [], options: { logger?: Logger } = {}): Promise<TestServer> {
  // Each server gets a data directory of its own (its SQLite database), removed when it closes.
  const dataDir = await mkdtemp(join(tmpdir(), 'lingua-test-'));
  const parsed = parseConfig({ ...config, server: { host: '127.0.0.1', port: 0, data_dir: dataDir, ...(config.server as object | undefined) } });
  const lingua = await buildLingua(parsed, options.logger ?? createLogger(process.env.LINGUA_TEST_LOG ?? 'silent'), extraProviders);
  await lingua.app.listen({ host: '127.0.0.1', port: 0 });
  const address = lingua.app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  return { lingua, url: `http://127.0.0.1:${address.port}`, close: async () => { await lingua.close(1000); await rm(dataDir, { recursive: true, force: true }); } };
}
