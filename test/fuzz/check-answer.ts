import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequestIn, type ErrorShape } from '../support/error-shape.js';
import { anthropicFrames, assertWellFormed } from '../support/messages-fixture.js';

/** An endpoint under fuzz: what it answers on success, and the protocol its errors are in. */
export interface FuzzEndpoint {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  shape: ErrorShape;
  answers: 'chat' | 'count' | 'model';
}

export const fuzzEndpoints: readonly FuzzEndpoint[] = [
  { name: 'chat.completions', method: 'POST', path: '/v1/chat/completions', shape: 'openai', answers: 'chat' },
  { name: 'envelope', method: 'POST', path: '/api/v1/chat/completions', shape: 'envelope', answers: 'chat' },
  { name: 'messages', method: 'POST', path: '/v1/messages', shape: 'anthropic', answers: 'chat' },
  { name: 'count_tokens', method: 'POST', path: '/v1/messages/count_tokens', shape: 'anthropic', answers: 'count' },
  { name: 'models', method: 'GET', path: '/v1/models/', shape: 'openai', answers: 'model' },
];

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Anthropic's error type for each 4xx status Lingua sends. */
const anthropicTypes: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error',
};

/**
 * Asserts that an answer is a success of the endpoint's kind, or a 4xx in
 * the caller's protocol's error shape; never a 5xx, never an error frame
 * inside a 200 stream.
 */
export function checkAnswer(endpoint: FuzzEndpoint, answer: Answer, models: readonly string[]): void {
  const text = answer.body.toString();
  assert.ok(answer.status >= 200 && answer.status < 500, `status ${answer.status}: ${text.slice(0, 500)}`);
  assert.ok(answer.status < 300 || answer.status >= 400, `status ${answer.status}`);
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.status < 300) return checkSuccess(endpoint, type, text, models);
  assert.match(type, /^application\/json/, `an error's content-type: ${type}`);
  checkErrorShape(endpoint.shape, answer.status, text);
}

function checkErrorShape(shape: ErrorShape, status: number, text: string): void {
  const body = JSON.parse(text) as Record<string, unknown>;
  switch (shape) {
    case 'openai': {
      assert.deepEqual(Object.keys(body), ['error'], text);
      const error = body.error as Record<string, unknown>;
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], text);
      assert.equal(typeof error.message, 'string', text);
      assert.equal(typeof error.type, 'string', text);
      assert.ok(error.param === null || typeof error.param === 'string', text);
      assert.ok(error.code === null || typeof error.code === 'string', text);
      break;
    }
    case 'envelope':
      assert.deepEqual(body, { success: false, code: String(status), message: body.message, data: null }, text);
      assert.equal(typeof body.message, 'string', text);
      break;
    case 'anthropic': {
      assert.deepEqual(Object.keys(body), ['type', 'error'], text);
      assert.equal(body.type, 'error', text);
      const error = body.error as Record<string, unknown>;
      assert.deepEqual(Object.keys(error).sort(), ['message', 'type'], text);
      assert.equal(typeof error.message, 'string', text);
      assert.equal(error.type, anthropicTypes[status] ?? `(no Anthropic type for ${status})`, text);
      break;
    }
  }
  if (status === 400) invalidRequestIn(shape, text, status);
}

function checkSuccess(endpoint: FuzzEndpoint, type: string, text: string, models: readonly string[]): void {
  if (type.startsWith('text/event-stream')) {
    assert.equal(endpoint.answers, 'chat', `a stream from ${endpoint.path}`);
    if (endpoint.shape === 'anthropic') {
      const frames = anthropicFrames(text);
      assertWellFormed(frames);
      return;
    }
    const datas = text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
    assert.equal(datas.at(-1), '[DONE]', `the stream ends with [DONE]: ${text.slice(-300)}`);
    for (const data of datas.slice(0, -1)) {
      const chunk = JSON.parse(data) as Record<string, unknown>;
      assert.equal(chunk.error, undefined, `an error inside a 200 stream: ${data}`);
      assert.equal(chunk.object, 'chat.completion.chunk', data);
    }
    return;
  }
  assert.match(type, /^application\/json/, `a success's content-type: ${type}`);
  const body = JSON.parse(text) as Record<string, any>;
  switch (endpoint.answers) {
    case 'chat':
      if (endpoint.shape === 'anthropic') {
        assert.equal(body.type, 'message', text);
        assert.ok(Array.isArray(body.content), text);
      } else {
        const completion = endpoint.shape === 'envelope' ? body.data : body;
        if (endpoint.shape === 'envelope') assert.equal(body.success, true, text);
        assert.equal(completion?.object, 'chat.completion', text);
        assert.ok(Array.isArray(completion.choices) && completion.choices.length > 0, text);
      }
      return;
    case 'count':
      assert.deepEqual(Object.keys(body), ['input_tokens'], text);
      assert.ok(Number.isInteger(body.input_tokens) && body.input_tokens >= 0, text);
      return;
    case 'model':
      if (body.object === 'list') {
        // `/v1/models/` and the like are the list.
        assert.ok(Array.isArray(body.data) && body.data.every((m: { id: string }) => models.includes(m.id)), text);
        return;
      }
      assert.equal(body.object, 'model', text);
      assert.ok(models.includes(body.id), `a model that is not configured: ${text}`);
  }
}
