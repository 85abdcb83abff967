import type { Config } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { isLoopback } from '../lib/loopback.js';
import type { Provider } from '../providers/provider.js';
import { buildGeneration, type Generation, type GenerationParts } from './generation.js';
import { restartOnlyChanges } from './restart-only.js';

/** What a reload did: applied (with the fields that need a restart to change), or refused and why. */
export type ReloadOutcome =
  | { ok: true; generation: number; restartRequired: string[] }
  | { ok: false; generation: number; error: string };

/** How often a replaced generation is checked for requests still running on it. */
const DRAIN_POLL_MS = 200;

/**
 * The server's current generation (its config, providers and pipeline
 * context) and the replaced ones still serving requests. A reload builds a
 * new generation beside the current one and swaps it in at once: requests
 * in flight keep the generation they started on, new ones get the new one,
 * and a replaced generation's providers (those the new one does not reuse)
 * are closed when its last request ends. A config that fails to build is
 * refused, and the current generation stays.
 */
export class LiveConfig {
  #current: Generation;
  /** Replaced generations with requests still running. */
  readonly #draining = new Set<Generation>();
  readonly #parts: GenerationParts;
  readonly #logger: Logger;
  #reloading: Promise<ReloadOutcome> | undefined;
  #closed = false;
  /** Told when a replaced generation has drained and its own providers are closed (metrics keep its counters). */
  readonly retired: Array<(g: Generation) => void> = [];
  readonly reloads = { applied: 0, refused: 0 };

  private constructor(first: Generation, parts: GenerationParts) {
    this.#current = first;
    this.#parts = parts;
    this.#logger = parts.logger;
  }

  static async start(config: Config, parts: GenerationParts): Promise<LiveConfig> {
    return new LiveConfig(await buildGeneration(config, parts), parts);
  }

  get current(): Generation {
    return this.#current;
  }

  /** The current generation, then those still draining. */
  generations(): Generation[] {
    return [this.#current, ...this.#draining];
  }

  /** Requests in flight on every generation. */
  inflight(): number {
    let n = 0;
    for (const g of this.generations()) n += g.context.inflight.size;
    return n;
  }

  /**
   * Applies `load()`'s config (one reload at a time: a second waits for the
   * first). A config that cannot be read, validated or built, or one that
   * would leave an open host without keys, is refused with the error logged.
   */
  reload(load: () => Promise<Config>): Promise<ReloadOutcome> {
    const run = async (): Promise<ReloadOutcome> => {
      await previous;
      return this.#reload(load);
    };
    const previous = this.#reloading;
    const next = run();
    this.#reloading = next.finally(() => { if (this.#reloading === next) this.#reloading = undefined; });
    return next;
  }

  async #reload(load: () => Promise<Config>): Promise<ReloadOutcome> {
    const old = this.#current;
    let next: Generation;
    try {
      if (this.#closed) throw new Error('the server is shutting down');
      const config = await load();
      refuseOpenHost(old.config, config, this.#parts.platform.keys.hasDatabaseKeys);
      next = await buildGeneration(config, this.#parts, old);
      if (this.#closed) {
        await this.#closeUnused(next, [old]);
        throw new Error('the server is shutting down');
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.reloads.refused++;
      this.#logger.error({ generation: old.number, error: message }, `config reload refused, still serving the previous config: ${message}`);
      return { ok: false, generation: old.number, error: message };
    }
    const restartRequired = restartOnlyChanges(old.config, next.config);
    // The swap: from here, new requests run on `next`.
    this.#parts.platform.keys.replaceConfigKeys(next.config.keys);
    if (next.config.server.log_level !== old.config.server.log_level) this.#logger.level = next.config.server.log_level;
    this.#current = next;
    this.reloads.applied++;
    this.#drain(old);
    const models = next.context.router.models().map((m) => m.name);
    this.#logger.info({ generation: next.number, models, ...(restartRequired.length === 0 ? {} : { restart_required: restartRequired }) }, `config reloaded: serving models: ${models.join(', ') || 'none'}`);
    if (restartRequired.length > 0) this.#logger.warn({ fields: restartRequired }, `config reload: ${restartRequired.join(', ')} changed; these take effect on restart`);
    return { ok: true, generation: next.number, restartRequired };
  }

  /** Waits for the last request on `old`, then closes what only it used. */
  #drain(old: Generation): void {
    this.#draining.add(old);
    const check = (): void => {
      if (old.context.inflight.size > 0 && !this.#closed) {
        setTimeout(check, DRAIN_POLL_MS).unref();
        return;
      }
      this.#draining.delete(old);
      void this.#closeUnused(old, this.generations()).then(() => { for (const f of this.retired) f(old); });
    };
    check();
  }

  /** Closes `g`'s providers and search service, except providers one of `others` still uses. */
  async #closeUnused(g: Generation, others: readonly Generation[]): Promise<void> {
    const inUse = new Set<Provider>([...this.#parts.extraProviders, ...others.flatMap((o) => [...o.providers.values()])]);
    const closing = [...g.providers.values()].filter((p) => !inUse.has(p)).map((p) => p.close());
    const results = await Promise.allSettled([...closing, g.context.search.close()]);
    for (const r of results) if (r.status === 'rejected') this.#logger.warn({ err: r.reason }, 'config reload: closing a replaced provider failed');
  }

  /** Aborts every request in flight, on every generation (shutdown, once the grace period is over). */
  abortAll(): void {
    for (const g of this.generations()) for (const c of g.context.inflight) c.abort();
  }

  /** Closes every generation's providers and search services (after the server stopped). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#reloading;
    const all = this.generations();
    this.#draining.clear();
    const providers = new Set(all.flatMap((g) => [...g.providers.values()]));
    await Promise.all([...providers].map((p) => p.close()));
    await Promise.all(all.map((g) => g.context.search.close()));
    await Promise.all(all.map((g) => g.context.router.close()));
  }
}

/** The check `serve` makes at startup, made again: a reload may not leave a non-loopback host open to anyone. */
function refuseOpenHost(running: Config, next: Config, databaseKeys: boolean): void {
  if (next.keys.length === 0 && !databaseKeys && !isLoopback(running.server.host)) {
    throw new Error(`keys: the new config has no API keys and the database none, and this server listens on ${running.server.host}; refusing to serve it open to anyone`);
  }
}
