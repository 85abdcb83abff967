import type { ChatProtocol } from '../contract.js';
import { openAIChatProtocol } from '../openai/protocol.js';
import { renderEnvelopeError } from './render-error.js';

/**
 * Seed 002's enveloped Chat Completions: the OpenAI request, a success
 * wrapped as `{success: true, code: "200", message: "successful", data:
 * <chat.completion>}`, a failure as `{success: false, code, message, data:
 * null}`. Streams are plain OpenAI chunk streams (after the 200, an error
 * is OpenAI's error frame).
 */
export const envelopeChatProtocol: ChatProtocol = {
  ...openAIChatProtocol,
  name: 'envelope',
  encodeResult: (result, request) => ({ success: true, code: '200', message: 'successful', data: openAIChatProtocol.encodeResult(result, request) }),
  renderError: renderEnvelopeError,
};
