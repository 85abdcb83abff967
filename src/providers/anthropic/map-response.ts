import { LinguaError, type StreamEvent } from '../../canonical/index.js';
import { streamErrorToLinguaError } from './map-error.js';
import { AnthropicStreamMapper } from './map-stream.js';

type Json = Record<string, unknown>;

/**
 * A whole Anthropic `message` body as the canonical events that would have
 * built it: replayed through the stream mapper as the events Anthropic
 * would have streamed, so both paths map content the same way.
 */
export function messageToEvents(body: unknown, provider: string, jsonTool?: string): StreamEvent[] {
  const message = (typeof body === 'object' && body !== null ? body : {}) as Json;
  if (message.type === 'error') throw streamErrorToLinguaError(provider, message);
  if (!Array.isArray(message.content)) {
    throw new LinguaError('upstream', `upstream provider '${provider}' returned a message without content`);
  }
  const mapper = new AnthropicStreamMapper(provider, jsonTool);
  const out: StreamEvent[] = [];
  mapper.push({ type: 'message_start', message }, out);
  message.content.forEach((block: unknown, index) => {
    mapper.push({ type: 'content_block_start', index, content_block: block }, out);
    mapper.push({ type: 'content_block_stop', index }, out);
  });
  mapper.push({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence } }, out);
  mapper.end(out);
  return out;
}
