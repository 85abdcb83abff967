import assert from 'node:assert/strict';

/** The protocol a chat path answers in. */
export type ErrorShape = 'openai' | 'envelope' | 'anthropic';

/** Every chat path and the protocol it answers in. */
export const chatPaths: ReadonlyArray<{ path: string; shape: ErrorShape }> = [
  { path: '/v1/chat/completions', shape: 'openai' },
  { path: '/api/v1/chat/completions', shape: 'envelope' },
  { path: '/v1/messages', shape: 'anthropic' },
];

export interface ShapedError {
  message: string;
  /** OpenAI's `error.code` (null elsewhere). */
  code: string | null;
  /** OpenAI's `error.param` (null elsewhere). */
  param: string | null;
}

/**
 * Asserts that a response body is a 4xx invalid-request error in the
 * protocol's own shape (OpenAI `{error: {…}}`, the envelope's
 * `{success: false, …}`, Anthropic's `{type: "error", …}`) and returns it.
 */
export function invalidRequestIn(shape: ErrorShape, text: string, status = 400): ShapedError {
  const body = JSON.parse(text) as Record<string, any>;
  switch (shape) {
    case 'openai':
      assert.deepEqual(Object.keys(body), ['error'], text);
      assert.equal(body.error.type, 'invalid_request_error', text);
      return { message: body.error.message, code: body.error.code, param: body.error.param };
    case 'envelope':
      assert.deepEqual(body, { success: false, code: String(status), message: body.message, data: null }, text);
      return { message: body.message, code: null, param: null };
    case 'anthropic':
      assert.equal(body.type, 'error', text);
      assert.equal(body.error.type, 'invalid_request_error', text);
      return { message: body.error.message, code: null, param: null };
  }
}
