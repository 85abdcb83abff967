import type { Endpoint } from '../contract.js';
import { decodeCountTokensRequest } from './decode.js';
import { anthropicMessagesProtocol } from './protocol.js';

/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens` (query strings
 * such as Claude Code's `?beta=true` are accepted; `anthropic-version` and
 * `anthropic-beta` headers are not checked).
 */
export const anthropicEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/v1/messages', name: 'messages', protocol: anthropicMessagesProtocol },
  {
    kind: 'count_tokens', method: 'POST', path: '/v1/messages/count_tokens', name: 'messages.count_tokens', protocol: anthropicMessagesProtocol,
    decode: decodeCountTokensRequest,
    encode: (count) => ({ input_tokens: count.inputTokens }),
    // Says whether the backend counted or Lingua estimated (docs/anthropic.md).
    sourceHeader: 'lingua-token-count',
  },
];
