import type { Endpoint } from '../contract.js';
import { openAIChatProtocol } from '../openai/protocol.js';
import { decodeEmbeddingsRequest } from './decode.js';
import { encodeEmbeddings } from './encode.js';

/**
 * `POST /v1/embeddings`: OpenAI's keys, errors and rate-limit headers (its
 * records say protocol `openai`, endpoint `/v1/embeddings`).
 */
export const embeddingsEndpoints: Endpoint[] = [
  {
    kind: 'embed', method: 'POST', path: '/v1/embeddings', name: 'embeddings', protocol: openAIChatProtocol,
    decode: decodeEmbeddingsRequest,
    encode: (result, request) => encodeEmbeddings(result, request.model, request.encodingFormat),
  },
];
