import type { ChatProtocol } from '../../server/chat-protocol.js';
import { envelopeChatProtocol } from './protocol.js';

/** `POST /api/v1/chat/completions` (seed 002), served by the chat listener. */
export const envelopeChatPaths: Record<string, ChatProtocol> = {
  '/api/v1/chat/completions': envelopeChatProtocol,
};
