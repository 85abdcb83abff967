import type { FastifyInstance } from 'fastify';
import type { ChatProtocol } from '../../server/chat-protocol.js';
import type { ServerContext } from '../../server/context.js';
import { useProtocolErrors } from '../../server/protocol-errors.js';
import { openAIChatProtocol } from './protocol.js';

/** `POST /v1/chat/completions`, served by the chat listener. */
export const openAIChatPaths: Record<string, ChatProtocol> = {
  '/v1/chat/completions': openAIChatProtocol,
};

/** `GET /v1/models`, `GET /v1/models/{id}`. */
export function openAIRoutes(ctx: ServerContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    useProtocolErrors(app, openAIChatProtocol);

    app.get('/v1/models', async (req) => {
      ctx.keys.authenticate(openAIChatProtocol.apiKey(req.headers));
      return { object: 'list', data: ctx.router.models().map((m) => modelObject(m.name, m.ownedBy, ctx.startedAt)) };
    });

    app.get<{ Params: { id: string } }>('/v1/models/*', async (req) => {
      ctx.keys.authenticate(openAIChatProtocol.apiKey(req.headers));
      // Model names may contain slashes (`org/model`): take the whole rest of the path.
      const id = decodeURIComponent((req.params as Record<string, string>)['*'] ?? '');
      const m = ctx.router.resolve(id);
      return modelObject(m.name, m.ownedBy, ctx.startedAt);
    });
  };
}

function modelObject(id: string, ownedBy: string, created: number) {
  return { id, object: 'model', created, owned_by: ownedBy };
}
