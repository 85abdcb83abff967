import { createServer, type Server } from 'node:http';
import type { Logger } from '../lib/logger.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * The config's `metrics: {host, port}` listener: `GET /metrics` without a
 * key, for a scraper on a private interface; nothing else is served there.
 */
export async function startMetricsListener(metrics: GatewayMetrics, address: { host: string; port: number }, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.text().then(
      (text) => { res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text); },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics: could not render');
        res.writeHead(500).end();
      },
    );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => { server.off('error', reject); resolve(); });
  });
  return server;
}

/** Stops the listener and its idle connections. */
export function closeMetricsListener(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
