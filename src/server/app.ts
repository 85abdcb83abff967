import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { adminApi } from '../admin/admin-api.js';
import { operationsApi } from '../admin/operations-api.js';
import { LinguaError } from '../canonical/index.js';
import { consoleApp } from '../console/console-app.js';
import type { Config } from '../config/schema.js';
import { healthRoutes } from '../health/health-routes.js';
import { readiness, type Readiness } from '../health/readiness.js';
import { parseJsonBody } from '../lib/json-body.js';
import type { Logger } from '../lib/logger.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { closeMetricsListener, startMetricsListener } from '../metrics/metrics-listener.js';
import { RequestMetrics } from '../metrics/request-metrics.js';
import type { PipelineContext } from '../pipeline/context.js';
import { asLinguaError } from '../pipeline/send.js';
import { anthropicEndpoints } from '../protocols/anthropic/endpoints.js';
import type { Endpoint } from '../protocols/contract.js';
import { envelopeEndpoints } from '../protocols/envelope/endpoints.js';
import { openAIEndpoints } from '../protocols/openai/endpoints.js';
import { responsesEndpoints } from '../protocols/responses/endpoints.js';
import { completionsEndpoints } from '../protocols/completions/protocol.js';
import { embeddingsEndpoints } from '../protocols/embeddings/endpoints.js';
import type { Provider } from '../providers/provider.js';
import { LiveConfig, type ReloadOutcome } from '../reload/live-config.js';
import { clientErrorHandler } from './client-errors.js';
import { endpointListener } from './listener.js';
import { openPlatform, type Platform } from './platform.js';
import { fromFastify, protocolForPath } from './protocol-errors.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';

/** Every endpoint a caller uses: served by the pipeline, ahead of Fastify. */
const endpoints: readonly Endpoint[] = [...openAIEndpoints, ...completionsEndpoints, ...embeddingsEndpoints, ...responsesEndpoints, ...anthropicEndpoints, ...envelopeEndpoints];

export interface Lingua {
  app: FastifyInstance;
  /** The current config's pipeline context (a reload replaces it; requests in flight keep theirs). */
  readonly context: PipelineContext;
  /** The current config's providers. */
  readonly providers: ReadonlyMap<string, Provider>;
  platform: Platform;
  /** The config generations: the current one and those still finishing requests. */
  live: LiveConfig;
  metrics: GatewayMetrics;
  /** Applies `config`, or else re-reads the config file (`options.loadConfig`); a bad config is refused and the old one kept. */
  reload(config?: Config): Promise<ReloadOutcome>;
  /** What `/health/ready` checks. */
  readiness(): Promise<Readiness>;
  /** Stops accepting, lets in-flight requests finish for `graceMs`, aborts the rest, closes providers. */
  close(graceMs?: number): Promise<void>;
}

export interface BuildOptions {
  /** Where a reload (`POST /admin/reload`, SIGHUP) reads the config again: the CLI's config file. */
  loadConfig?: () => Promise<Config>;
}

/** Builds a server from a validated config. Nothing is shared between two built servers. */
export async function buildLingua(config: Config, logger: Logger, extraProviders: Provider[] = [], options: BuildOptions = {}): Promise<Lingua> {
  const { server } = config;
  const platform = await openPlatform(config, logger);
  const requestMetrics = new RequestMetrics();
  // The providers, router and pipeline context of a config: src/reload/generation.ts.
  let live: LiveConfig;
  try {
    live = await LiveConfig.start(config, { platform, logger, metrics: requestMetrics, extraProviders, startedAt: Math.floor(Date.now() / 1000) });
  } catch (error) {
    await platform.close();
    throw error;
  }
  const metrics = new GatewayMetrics(requestMetrics, live, platform);
  const reload = (next?: Config): Promise<ReloadOutcome> => live.reload(next === undefined
    ? options.loadConfig ?? (() => Promise.reject(new Error('this server was not started from a config file: there is nothing to re-read')))
    : async () => next);

  const bodyLimit = Math.floor(server.body_limit_mb * 1024 * 1024);
  const requestTimeout = server.request_timeout_s * 1000;
  const keepAliveTimeout = 75_000;
  let closing = false;
  const app = Fastify({
    loggerInstance: logger,
    // Caller endpoints skip Fastify (see listener.ts); health and admin routes are Fastify's.
    serverFactory: (fastifyHandler) => {
      const http = createServer(endpointListener(() => live.current.context, { endpoints, bodyLimit, logger, closing: () => closing }, fastifyHandler));
      http.keepAliveTimeout = keepAliveTimeout;
      http.requestTimeout = requestTimeout;
      return http;
    },
    // One line per request is logged by the pipeline, and by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    requestTimeout,
    keepAliveTimeout,
    forceCloseConnections: 'idle',
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(logger),
    // Errors Fastify meets before routing (a path that is not valid percent-encoding): in the path's protocol too.
    frameworkErrors: (error, req, reply) => {
      void reply.header(requestIdHeaderFor(req.url), req.id);
      logWhenClosed(req, reply);
      sendError(error, req, reply);
    },
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Bodies are JSON whatever the content type says (some clients send none).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    let json: unknown;
    try {
      json = parseJsonBody(body as string);
    } catch (error) {
      return done(error as Error, undefined);
    }
    done(null, json);
  });

  app.addHook('onRequest', (req, reply, done) => {
    void reply.header(requestIdHeaderFor(req.url), req.id);
    logWhenClosed(req, reply);
    // While closing: a 503 from here (Fastify's own would skip this hook and its log line).
    if (closing) {
      void reply.header('connection', 'close');
      return done(new LinguaError('unavailable', 'The server is shutting down; retry on another instance.'));
    }
    done();
  });
  app.setErrorHandler(sendError);
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Each protocol's paths answer in its own shape.
    const rendered = protocolForPath(path).renderError(new LinguaError('not_found', `Unknown endpoint: ${req.method} ${path}`, { code: 'unknown_url' }));
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  app.get('/', async () => ({ name: 'lingua', status: 'ok' }));
  void app.register(healthRoutes(live, platform));
  void app.register(adminApi(config, platform));
  void app.register(operationsApi(config, platform, { live, metrics, reload: () => reload() }));
  void app.register(consoleApp(config, platform, { live, reload: () => reload() }));
  const metricsListener = config.metrics === undefined ? undefined : await startMetricsListener(metrics, config.metrics, logger);

  const close = async (graceMs = live.current.config.server.shutdown_grace_s * 1000): Promise<void> => {
    closing = true;
    const closed = app.close();
    const deadline = setTimeout(() => live.abortAll(), graceMs);
    await closed;
    clearTimeout(deadline);
    if (metricsListener !== undefined) await closeMetricsListener(metricsListener);
    await live.close();
    await platform.close();
  };

  return {
    app,
    get context() { return live.current.context; },
    get providers() { return live.current.providers; },
    platform,
    live,
    metrics,
    reload,
    readiness: () => readiness(platform, live.current),
    close,
  };
}

/**
 * The one log line of each request Fastify serves (the pipeline logs its own), when its
 * connection lets go of it: a client that left before the answer was sent is a 499.
 */
function logWhenClosed(req: FastifyRequest, reply: FastifyReply): void {
  const started = performance.now();
  reply.raw.once('close', () => {
    const status = reply.raw.writableFinished ? reply.statusCode : 499;
    // req.log is Fastify's child logger: it carries reqId already.
    req.log.info({ method: req.method, path: req.url.split('?')[0], status, ms: Math.round(performance.now() - started) }, 'request');
  });
}

/** An error on a Fastify route, in the protocol of its path. */
function sendError(error: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const failure = fromFastify(error) ?? asLinguaError(error, req.log);
  const rendered = protocolForPath(req.url).renderError(failure);
  void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}
