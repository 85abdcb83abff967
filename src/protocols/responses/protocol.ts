import { bearerToken } from '../../lib/bearer-token.js';
import type { ChatProtocol } from '../contract.js';
import { openAIRateLimitHeaders } from '../openai/rate-limit-headers.js';
import { decodeResponsesRequest } from './decode.js';
import { encodeResponse } from './encode-response.js';
import { ResponsesStreamEncoder } from './encode-stream.js';
import { newItemId } from './output-items.js';
import { renderResponsesError } from './render-error.js';
import type { ResponseMeta } from './response-object.js';
import { responsesContext } from './responses-request.js';
import { keepResponse, prepareResponses } from './state.js';

function responseMeta(model: string): ResponseMeta {
  return { id: newItemId.response(), createdAt: Math.floor(Date.now() / 1000), model };
}

/**
 * The OpenAI Responses API: `Authorization: Bearer`, `response` objects,
 * typed event streams, OpenAI's error shape and rate-limit headers.
 */
export const responsesProtocol: ChatProtocol = {
  name: 'responses',
  apiKey: (headers) => bearerToken(headers.authorization),
  decode: decodeResponsesRequest,
  encodeResult: (result, request) => encodeResponse(result, responseMeta(request.model), responsesContext(request)),
  streamEncoder: (request) => new ResponsesStreamEncoder(responseMeta(request.model), responsesContext(request)),
  renderError: renderResponsesError,
  rateLimitHeaders: openAIRateLimitHeaders,
  prepare: prepareResponses,
  keep: (request, body) => keepResponse(responsesContext(request), body as Record<string, unknown>),
};
