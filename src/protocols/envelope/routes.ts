import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../server/context.js';
import { handleChat } from '../../server/handle-chat.js';
import { useProtocolErrors } from '../../server/protocol-errors.js';
import { envelopeChatProtocol } from './protocol.js';

/** `POST /api/v1/chat/completions` (seed 002). */
export function envelopeRoutes(ctx: ServerContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    useProtocolErrors(app, envelopeChatProtocol);
    app.post('/api/v1/chat/completions', (req, reply) => handleChat(envelopeChatProtocol, ctx, req, reply));
  };
}
