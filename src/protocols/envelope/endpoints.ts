import type { Endpoint } from '../contract.js';
import { envelopeChatProtocol } from './protocol.js';

/** `POST /api/v1/chat/completions` (seed 002). */
export const envelopeEndpoints: Endpoint[] = [
  { kind: 'generate', method: 'POST', path: '/api/v1/chat/completions', name: 'envelope.chat.completions', protocol: envelopeChatProtocol },
];
