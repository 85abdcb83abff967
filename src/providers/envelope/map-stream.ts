import type { StreamEvent } from '../../canonical/index.js';
import { OpenAIStreamMapper, type StreamBounds } from '../openai/map-stream.js';
import { envelopeFailure } from './envelope-failure.js';

type Json = Record<string, unknown>;

/**
 * An enveloped API's stream: plain OpenAI chunks, mapped as the OpenAI
 * provider maps them. A frame that is a failure envelope (`{success:
 * false, code, message}`) or an error frame ends the stream with the error
 * its code stands for; a chunk wrapped as `{success: true, data: <chunk>}`
 * is unwrapped.
 */
export class EnvelopeStreamMapper extends OpenAIStreamMapper {
  readonly #provider: string;

  constructor(provider: string, bounds: StreamBounds) {
    super(provider, bounds);
    this.#provider = provider;
  }

  override push(chunk: Json, out: StreamEvent[]): void {
    // After the 200, the HTTP status says nothing: only the frame's code counts.
    if (chunk.success === false || (typeof chunk.error === 'object' && chunk.error !== null)) throw envelopeFailure(this.#provider, chunk, 200);
    if (chunk.success === true && typeof chunk.data === 'object' && chunk.data !== null) return super.push(chunk.data as Json, out);
    super.push(chunk, out);
  }
}
