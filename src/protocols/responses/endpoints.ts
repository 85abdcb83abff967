import type { Endpoint } from '../contract.js';
import { responsesProtocol } from './protocol.js';
import { storedResponseEndpoints } from './stored-endpoints.js';

/** `POST /v1/responses`, and the responses it kept (docs/responses.md). */
export const responsesEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/v1/responses', name: 'responses', protocol: responsesProtocol },
  ...storedResponseEndpoints,
];
