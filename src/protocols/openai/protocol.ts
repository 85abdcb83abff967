import type { ChatRequest } from '../../canonical/index.js';
import { bearerToken } from '../../lib/bearer-token.js';
import { randomId } from '../../lib/ids.js';
import type { ChatProtocol } from '../contract.js';
import { decodeChatCompletion } from './decode.js';
import { encodeChatCompletion, type ResponseMeta } from './encode-response.js';
import { OpenAIStreamEncoder } from './encode-stream.js';
import { openAIRateLimitHeaders } from './rate-limit-headers.js';
import { renderOpenAIError } from './render-error.js';

export function responseMeta(request: ChatRequest): ResponseMeta {
  return { id: randomId('chatcmpl-'), created: Math.floor(Date.now() / 1000), model: request.model };
}

/** OpenAI Chat Completions: `Authorization: Bearer`, `chat.completion` bodies, chunk streams. */
export const openAIChatProtocol: ChatProtocol = {
  name: 'openai',
  apiKey: (headers) => bearerToken(headers.authorization),
  decode: decodeChatCompletion,
  encodeResult: (result, request) => encodeChatCompletion(result, responseMeta(request)),
  streamEncoder: (request) => new OpenAIStreamEncoder(responseMeta(request), { includeUsage: request.includeUsage, choices: request.n }),
  renderError: renderOpenAIError,
  rateLimitHeaders: openAIRateLimitHeaders,
};
