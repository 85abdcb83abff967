import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { adminApi } from '../admin/admin-api.js';
import { LinguaError } from '../canonical/index.js';
import type { Config, ProviderConfig } from '../config/schema.js';
import { parseJsonBody } from '../lib/json-body.js';
import type { Logger } from '../lib/logger.js';
import { ParamRanges } from '../params/param-ranges.js';
import type { PricingConfig } from '../pricing/pricing.js';
import type { PipelineContext } from '../pipeline/context.js';
import { asLinguaError } from '../pipeline/send.js';
import { anthropicEndpoints } from '../protocols/anthropic/endpoints.js';
import type { Endpoint } from '../protocols/contract.js';
import { envelopeEndpoints } from '../protocols/envelope/endpoints.js';
import { openAIEndpoints } from '../protocols/openai/endpoints.js';
import type { Provider } from '../providers/provider.js';
import { providerFactories } from '../providers/registry.js';
import { Router } from '../router/router.js';
import { nativeSearchModels, SearchService } from '../search/search-service.js';
import { clientErrorHandler } from './client-errors.js';
import { endpointListener } from './listener.js';
import { openPlatform, type Platform } from './platform.js';
import { fromFastify, protocolForPath } from './protocol-errors.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';

/** Every endpoint a caller uses: served by the pipeline, ahead of Fastify. */
const endpoints: readonly Endpoint[] = [...openAIEndpoints, ...anthropicEndpoints, ...envelopeEndpoints];

function providerPricing(providers: readonly ProviderConfig[]): Map<string, PricingConfig> {
  return new Map(providers.flatMap((p) => (p.pricing === undefined ? [] : [[p.name, p.pricing as PricingConfig]])));
}

export interface Lingua {
  app: FastifyInstance;
  context: PipelineContext;
  providers: Map<string, Provider>;
  platform: Platform;
  /** Stops accepting, lets in-flight requests finish for `graceMs`, aborts the rest, closes providers. */
  close(graceMs?: number): Promise<void>;
}

/** Builds a server from a validated config. Nothing is shared between two built servers. */
export async function buildLingua(config: Config, logger: Logger, extraProviders: Provider[] = []): Promise<Lingua> {
  const providers = new Map<string, Provider>();
  for (const p of config.providers) {
    const factory = providerFactories.find((f) => f.type === p.type);
    if (factory === undefined) throw new Error(`unknown provider type '${String(p.type)}'`);
    const provider = factory.create(p as never, { logger });
    providers.set(provider.name, provider);
  }
  for (const p of extraProviders) providers.set(p.name, p);
  await Promise.all([...providers.values()].map((p) => p.start?.()));

  const { server } = config;
  const platform = await openPlatform(config, logger);
  const context: PipelineContext = {
    keys: platform.keys,
    authThrottle: platform.authThrottle,
    limiter: platform.limiter,
    budgets: platform.budgets,
    // `usage_ledger: false` records nothing.
    ledger: server.usage_ledger ? platform.storage.ledger : { record: () => {} },
    router: new Router(config.models, providers, logger, providerPricing(config.providers as ProviderConfig[])),
    stream: {
      heartbeatMs: server.heartbeat_s * 1000,
      stallMs: server.stream_stall_s * 1000,
      maxUnsentBytes: Math.floor(server.stream_max_unsent_mb * 1024 * 1024),
    },
    inflight: new Set(),
    startedAt: Math.floor(Date.now() / 1000),
    paramRanges: new ParamRanges(config.models),
    search: new SearchService(config.search, { native: nativeSearchModels(config.providers as ProviderConfig[], config.models) }),
  };

  const bodyLimit = Math.floor(server.body_limit_mb * 1024 * 1024);
  const requestTimeout = server.request_timeout_s * 1000;
  const keepAliveTimeout = 75_000;
  let closing = false;
  const app = Fastify({
    loggerInstance: logger,
    // Caller endpoints skip Fastify (see listener.ts); health and admin routes are Fastify's.
    serverFactory: (fastifyHandler) => {
      const http = createServer(endpointListener(context, { endpoints, bodyLimit, logger, closing: () => closing }, fastifyHandler));
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
    return503OnClosing: true,
    clientErrorHandler: clientErrorHandler(logger),
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
    done();
  });
  // The one log line of each request Fastify serves (the pipeline logs its own).
  app.addHook('onResponse', (req, reply, done) => {
    req.log.info({ reqId: req.id, method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    done();
  });
  app.setErrorHandler((error, req, reply) => {
    const failure = fromFastify(error) ?? asLinguaError(error, req.log);
    const rendered = protocolForPath(req.url).renderError(failure);
    void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Each protocol's paths answer in its own shape.
    const rendered = protocolForPath(path).renderError(new LinguaError('not_found', `Unknown endpoint: ${req.method} ${path}`, { code: 'unknown_url' }));
    void reply.code(rendered.status).send(rendered.body);
  });
  app.get('/', async () => ({ name: 'lingua', status: 'ok' }));
  app.get('/health', async () => ({ status: 'ok' }));
  void app.register(adminApi(config, platform));

  const close = async (graceMs = server.shutdown_grace_s * 1000): Promise<void> => {
    closing = true;
    const closed = app.close();
    const deadline = setTimeout(() => { for (const c of context.inflight) c.abort(); }, graceMs);
    await closed;
    clearTimeout(deadline);
    await Promise.all([...providers.values()].map((p) => p.close()));
    await context.search.close();
    await platform.close();
  };

  return { app, context, providers, platform, close };
}
