import type { Endpoint, ModelInfo } from '../contract.js';
import { openAIChatProtocol } from './protocol.js';

function modelObject(m: ModelInfo) {
  return {
    id: m.id,
    object: 'model',
    created: m.created,
    owned_by: m.ownedBy,
    // As OpenRouter's entries carry them: USD per million tokens, as strings would lose nothing here.
    ...(m.pricing === undefined ? {} : { pricing: pricingObject(m.pricing) }),
    ...(m.contextLength === undefined ? {} : { context_length: m.contextLength }),
  };
}

function pricingObject(p: NonNullable<ModelInfo['pricing']>) {
  return { input: p.input, cached_input: p.cachedInput, output: p.output, ...(p.reasoning === undefined ? {} : { reasoning: p.reasoning }), unit: 'USD per 1M tokens' };
}

/** `POST /v1/chat/completions`, `GET /v1/models`, `GET /v1/models/{id}`. */
export const openAIEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/v1/chat/completions', name: 'chat.completions', protocol: openAIChatProtocol },
  {
    kind: 'models', method: 'GET', path: '/v1/models', name: 'models', protocol: openAIChatProtocol,
    encodeList: (models) => ({ object: 'list', data: models.map(modelObject) }),
    encodeOne: modelObject,
  },
  {
    // Model names may contain slashes (`org/model`): the whole rest of the path is the id.
    kind: 'models', method: 'GET', path: '/v1/models/', prefix: true, name: 'models', protocol: openAIChatProtocol,
    encodeList: (models) => ({ object: 'list', data: models.map(modelObject) }),
    encodeOne: modelObject,
  },
];
