import type { FastifyRequest } from 'fastify';
import type { AdminService } from '../admin/admin-service.js';
import type { Config } from '../config/schema.js';
import type { LiveConfig, ReloadOutcome } from '../reload/live-config.js';
import type { Platform } from '../server/platform.js';
import type { ConsoleSessions, Viewer } from './sessions.js';

/** What the console's routes work with: one per server (no module state). */
export interface ConsoleContext {
  config: Config;
  platform: Platform;
  live: LiveConfig;
  /** Re-reads the config file and applies it (POST /admin/reload's). */
  reload(): Promise<ReloadOutcome>;
  /** The admin API's service: the console's key, usage and account calls are its, scoped to the viewer. */
  admin: AdminService;
  sessions: ConsoleSessions;
  /** The viewer of an authenticated request (set by the session hook before the handler runs). */
  viewerOf(req: FastifyRequest): Viewer;
  now(): number;
}
