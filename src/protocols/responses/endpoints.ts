import type { Endpoint } from '../contract.js';
import { responsesProtocol } from './protocol.js';

/** `POST /v1/responses` (docs/responses.md). */
export const responsesEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/v1/responses', name: 'responses', protocol: responsesProtocol },
];
