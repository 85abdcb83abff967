import { estimateInputTokens } from '../../lib/estimate-tokens.js';
import { randomId } from '../../lib/ids.js';
import type { ChatProtocol } from '../contract.js';
import { anthropicApiKey } from './api-key.js';
import { decodeMessagesRequest } from './decode.js';
import { encodeMessage } from './encode-response.js';
import { AnthropicStreamEncoder } from './encode-stream.js';
import { anthropicRateLimitHeaders } from './rate-limit-headers.js';
import { renderAnthropicError } from './render-error.js';

const messageId = (): string => randomId('msg_');

/** Anthropic Messages: `x-api-key` (or Bearer), `message` bodies, event streams, `{type: "error"}` errors. */
export const anthropicMessagesProtocol: ChatProtocol = {
  name: 'anthropic',
  apiKey: anthropicApiKey,
  decode: decodeMessagesRequest,
  encodeResult: (result, request) => encodeMessage(result, request, messageId()),
  streamEncoder: (request, start) => new AnthropicStreamEncoder(request, {
    id: messageId(),
    inputTokens: start.inputTokens ?? estimateInputTokens(request),
    opening: start.opening,
  }),
  countsInputFirst: true,
  renderError: renderAnthropicError,
  rateLimitHeaders: anthropicRateLimitHeaders,
};
