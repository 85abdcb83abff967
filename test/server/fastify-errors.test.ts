import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { invalidRequestIn, type ErrorShape } from '../support/error-shape.js';
import { startLingua } from '../support/lingua.js';
import { API_KEY, openAIFixture, type OpenAIFixture } from '../support/openai-fixture.js';

const ADMIN_KEY = 'admin-key-0123456789abcdef';

interface Answer { status: number; headers: IncomingHttpHeaders; text: string }

/** Sends `method path` with the path written as it stands (no URL parser in between). */
function send(url: string, method: string, path: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: { authorization: `Bearer ${API_KEY}`, 'x-api-key': API_KEY } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A 404 in the protocol's own shape; its message. */
function notFoundIn(shape: ErrorShape, text: string): string {
  const body = JSON.parse(text) as Record<string, any>;
  switch (shape) {
    case 'openai':
      assert.deepEqual(Object.keys(body), ['error'], text);
      assert.equal(body.error.type, 'invalid_request_error', text);
      return body.error.message;
    case 'envelope':
      assert.deepEqual(body, { success: false, code: '404', message: body.message, data: null }, text);
      return body.message;
    case 'anthropic':
      assert.equal(body.type, 'error', text);
      assert.equal(body.error.type, 'not_found_error', text);
      return body.error.message;
  }
}

/** A path of each protocol's, with `tail` after its prefix. */
const underEach = (tail: string): Array<{ path: string; shape: ErrorShape; idHeader: string }> => [
  { path: `/v1/${tail}`, shape: 'openai', idHeader: 'x-request-id' },
  { path: `/v1/chat/completions/${tail}`, shape: 'openai', idHeader: 'x-request-id' },
  { path: `/api/v1/${tail}`, shape: 'envelope', idHeader: 'x-request-id' },
  { path: `/v1/messages/${tail}`, shape: 'anthropic', idHeader: 'request-id' },
];

describe("errors met before an endpoint is found answer in the path's protocol", () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f?.close());

  test('GET /v1/models/{id} with an id that decodes to no model (or does not decode) is a 404 model_not_found, never a 5xx', async () => {
    for (const id of ['%25E0', '%E0', '%25', '%', '%E0%A4', '%C0%AF', '%00', 'm1%2F..', '%ZZ']) {
      const answer = await send(f.server.url, 'GET', `/v1/models/${id}`);
      assert.equal(answer.status, 404, `${id}: ${answer.text}`);
      const body = JSON.parse(answer.text) as { error: { code: string; param: string; type: string } };
      assert.equal(body.error.code, 'model_not_found', id);
      assert.equal(body.error.param, 'model', id);
    }
    // The same id escaped is the model.
    assert.equal((await send(f.server.url, 'GET', '/v1/models/%6D1')).status, 200);
  });

  test('a path that is not valid percent-encoding is a 400 in its protocol\'s shape, with a request id', async () => {
    for (const { path, shape, idHeader } of underEach('%E0')) {
      const answer = await send(f.server.url, 'GET', path);
      assert.equal(answer.status, 400, `${path}: ${answer.text}`);
      assert.match(String(answer.headers['content-type']), /^application\/json/);
      const error = invalidRequestIn(shape, answer.text);
      assert.match(error.message, /URL is not valid/, path);
      if (shape === 'openai') assert.equal(error.code, 'invalid_url');
      assert.match(String(answer.headers[idHeader]), /^req_/, `${path}: ${idHeader}`);
    }
  });

  test('a path segment longer than any id a route takes is a 414 in OpenAI\'s shape (not the path echoed back)', async () => {
    const server = await startLingua({ admin_key: ADMIN_KEY, providers: [], models: [] });
    try {
      const res = await fetch(`${server.url}/admin/accounts/${'a'.repeat(500)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const text = await res.text();
      assert.equal(res.status, 414, text);
      const error = invalidRequestIn('openai', text, 414);
      assert.equal(error.code, 'uri_too_long');
      assert.doesNotMatch(error.message, /aaaa/);
      assert.match(String(res.headers.get('x-request-id')), /^req_/);
    } finally {
      await server.close();
    }
  });

  test('a method no endpoint takes is a 404 in the path\'s shape; a method HTTP does not know is a 400 in it', async () => {
    for (const method of ['DELETE', 'PATCH', 'PROPFIND', 'OPTIONS']) {
      for (const { path, shape } of [
        { path: '/v1/chat/completions', shape: 'openai' }, { path: '/api/v1/chat/completions', shape: 'envelope' }, { path: '/v1/messages', shape: 'anthropic' },
      ] as const) {
        const answer = await send(f.server.url, method, path);
        assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
        assert.match(notFoundIn(shape, answer.text), new RegExp(`${method} ${path.replace(/\//g, '\\/')}`));
      }
    }
    const unknown = await send(f.server.url, 'BREW', '/v1/messages');
    assert.equal(unknown.status, 400, unknown.text);
    invalidRequestIn('anthropic', unknown.text);
  });
});
