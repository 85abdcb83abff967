import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { KeyStore } from '../auth/key-store.js';
import { LinguaError } from '../canonical/index.js';
import type { Config, ProviderConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { anthropicChatPaths, anthropicRoutes } from '../protocols/anthropic/routes.js';
import { renderAnthropicError } from '../protocols/anthropic/render-error.js';
import { renderEnvelopeError } from '../protocols/envelope/render-error.js';
import { envelopeChatPaths } from '../protocols/envelope/routes.js';
import { openAIChatPaths, openAIRoutes } from '../protocols/openai/routes.js';
import { renderOpenAIError } from '../protocols/openai/render-error.js';
import type { Provider } from '../providers/provider.js';
import { providerFactories } from '../providers/registry.js';
import { Router } from '../router/router.js';
import { ParamRanges } from '../params/param-ranges.js';
import { nativeSearchModels, SearchService } from '../search/search-service.js';
import type { ChatProtocol } from './chat-protocol.js';
import { chatListener } from './chat-listener.js';
import { requestIdHeaderFor, requestIdOf } from './request-id.js';
import type { ServerContext } from './context.js';

/** The chat endpoints, served by `chatListener` ahead of Fastify. */
const chatRoutes: ReadonlyMap<string, ChatProtocol> = new Map(Object.entries({ ...openAIChatPaths, ...anthropicChatPaths, ...envelopeChatPaths }));

export interface Lingua {
  app: FastifyInstance;
  context: ServerContext;
  providers: Map<string, Provider>;
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

  const context: ServerContext = {
    keys: new KeyStore(config.keys),
    router: new Router(config.models, providers, logger),
    heartbeatMs: config.server.heartbeat_s * 1000,
    inflight: new Set(),
    startedAt: Math.floor(Date.now() / 1000),
    paramRanges: new ParamRanges(config.models),
    search: new SearchService(config.search, { native: nativeSearchModels(config.providers as ProviderConfig[], config.models) }),
  };

  const bodyLimit = Math.floor(config.server.body_limit_mb * 1024 * 1024);
  const requestTimeout = config.server.request_timeout_s * 1000;
  const keepAliveTimeout = 75_000;
  let closing = false;
  const app = Fastify({
    loggerInstance: logger,
    // Chat calls skip Fastify (see chat-listener.ts); everything else is Fastify's.
    serverFactory: (fastifyHandler) => {
      const server = createServer(chatListener(context, { routes: chatRoutes, bodyLimit, logger, closing: () => closing }, fastifyHandler));
      server.keepAliveTimeout = keepAliveTimeout;
      server.requestTimeout = requestTimeout;
      return server;
    },
    // One `chat` line per request is logged by the handler instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit,
    requestTimeout,
    keepAliveTimeout,
    forceCloseConnections: 'idle',
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Bodies are JSON whatever the content type says (some clients send none).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text === '') return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
    } catch {
      done(new LinguaError('invalid_request', 'We could not parse the JSON body of your request. The body must be valid JSON.', { code: 'invalid_json' }), undefined);
    }
  });

  app.addHook('onRequest', (req, reply, done) => {
    void reply.header(requestIdHeaderFor(req.url), req.id);
    done();
  });
  app.get('/', async () => ({ name: 'lingua', status: 'ok' }));
  app.get('/health', async () => ({ status: 'ok' }));
  await app.register(openAIRoutes(context));
  await app.register(anthropicRoutes(context));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // Each protocol's paths answer in its own shape.
    const render = path.startsWith('/v1/messages') ? renderAnthropicError : path.startsWith('/api/v1/') ? renderEnvelopeError : renderOpenAIError;
    const rendered = render(new LinguaError('not_found', `Unknown endpoint: ${req.method} ${path}`, { code: 'unknown_url' }));
    void reply.code(rendered.status).send(rendered.body);
  });

  const close = async (graceMs = config.server.shutdown_grace_s * 1000): Promise<void> => {
    closing = true;
    const closed = app.close();
    const deadline = setTimeout(() => { for (const c of context.inflight) c.abort(); }, graceMs);
    await closed;
    clearTimeout(deadline);
    await Promise.all([...providers.values()].map((p) => p.close()));
    await context.search.close();
  };

  return { app, context, providers, close };
}
