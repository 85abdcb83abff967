import type { FastifyInstance } from 'fastify';
import type { ChatProtocol } from '../../server/chat-protocol.js';
import type { ServerContext } from '../../server/context.js';
import { countInputTokens } from '../../server/count-input-tokens.js';
import { useProtocolErrors } from '../../server/protocol-errors.js';
import { anthropicApiKey } from './api-key.js';
import { decodeCountTokensRequest } from './decode.js';
import { anthropicMessagesProtocol } from './protocol.js';

/** `POST /v1/messages`, served by the chat listener. */
export const anthropicChatPaths: Record<string, ChatProtocol> = {
  '/v1/messages': anthropicMessagesProtocol,
};

/**
 * `POST /v1/messages/count_tokens` (query strings
 * such as Claude Code's `?beta=true` are accepted; `anthropic-version` and
 * `anthropic-beta` headers are not checked).
 */
export function anthropicRoutes(ctx: ServerContext) {
  return async function register(app: FastifyInstance): Promise<void> {
    useProtocolErrors(app, anthropicMessagesProtocol);

    app.post('/v1/messages/count_tokens', async (req, reply) => {
      ctx.keys.authenticate(anthropicApiKey(req.headers));
      const request = decodeCountTokensRequest(req.body);
      const entry = ctx.router.resolve(request.model);
      const controller = new AbortController();
      const onClose = () => { if (!reply.raw.writableFinished) controller.abort(); };
      reply.raw.once('close', onClose);
      try {
        const count = await countInputTokens({ entry, request, signal: controller.signal, logger: req.log, fallback: false });
        // Says whether the backend counted or Lingua estimated (docs/anthropic.md).
        void reply.header('lingua-token-count', count.source);
        return { input_tokens: count.inputTokens };
      } finally {
        reply.raw.off('close', onClose);
      }
    });
  };
}
