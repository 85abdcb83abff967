import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_BODY_DEPTH } from '../../src/lib/json-body.js';
import { invalidRequestIn, type ErrorShape } from '../support/error-shape.js';
import { openAIFixture, postRaw, type OpenAIFixture } from '../support/openai-fixture.js';

/** `depth` nested arrays around `inner`, as JSON text (a value this deep cannot be built and stringified in a test either). */
const deepArray = (depth: number, inner = '"x"') => '['.repeat(depth) + inner + ']'.repeat(depth);

/** Every chat path, the protocol it answers in, and a valid body with a slot `$` for a value. */
const paths: Array<{ path: string; shape: ErrorShape; places: Record<string, string> }> = [
  ...(['/v1/chat/completions', '/api/v1/chat/completions'] as const).map((path) => ({
    path,
    shape: (path === '/v1/chat/completions' ? 'openai' : 'envelope') as ErrorShape,
    places: {
      'an unknown field': '{"model":"m1","messages":[{"role":"user","content":"hi"}],"vendor_field":$}',
      'tool parameters': '{"model":"m1","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"array","items":$}}}}}]}',
      tool_choice: '{"model":"m1","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":$}',
      'a content part type': '{"model":"m1","messages":[{"role":"user","content":[{"type":$,"text":"hi"}]}]}',
    },
  })),
  ...(['/v1/messages', '/v1/messages/count_tokens'] as const).map((path) => ({
    path,
    shape: 'anthropic' as ErrorShape,
    places: {
      'an unknown field': '{"model":"m1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"vendor_field":$}',
      input_schema: '{"model":"m1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object","properties":{"a":{"type":"array","items":$}}}}]}',
      tool_choice: '{"model":"m1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":$}',
      "a block's type": '{"model":"m1","max_tokens":16,"messages":[{"role":"user","content":[{"type":$,"text":"hi"}]}]}',
    },
  })),
];

describe(`bodies nested deeper than ${MAX_BODY_DEPTH} levels`, () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture(); });
  after(() => f?.close());

  test('a 10,000-deep array anywhere is a 400 in the caller\'s shape on every chat path, and nothing reaches the backend', async () => {
    for (const { path, shape, places } of paths) {
      for (const [place, template] of Object.entries(places)) {
        for (const stream of [false, true]) {
          const text = template.replace('$', deepArray(10_000)).replace(/^\{/, stream ? '{"stream":true,' : '{');
          const res = await postRaw(`${f.server.url}${path}`, text);
          const what = `${path}, ${place}${stream ? ', streaming' : ''}`;
          assert.equal(res.status, 400, `${what}: ${res.text.slice(0, 300)}`);
          const error = invalidRequestIn(shape, res.text);
          assert.match(error.message, new RegExp(`nested more than ${MAX_BODY_DEPTH} levels`), what);
          if (shape === 'openai') assert.equal(error.code, 'nesting_too_deep', what);
        }
      }
    }
    assert.equal(f.upstream.requests.length, 0);
  });

  test('at the limit, every place gets an answer or a 400 in the caller\'s shape, never a 5xx; the server serves on', async () => {
    for (const { path, shape, places } of paths) {
      for (const [place, template] of Object.entries(places)) {
        const prefix = template.slice(0, template.indexOf('$'));
        // The levels the body's own structure takes before the slot: the deepest value that still fits.
        const taken = [...prefix].filter((c) => c === '[' || c === '{').length - [...prefix].filter((c) => c === ']' || c === '}').length;
        const text = template.replace('$', deepArray(MAX_BODY_DEPTH - taken));
        const res = await postRaw(`${f.server.url}${path}`, text);
        assert.ok(res.status === 200 || res.status === 400, `${path}, ${place}: ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status === 400) assert.doesNotMatch(invalidRequestIn(shape, res.text).message, /nested more than/, `${path}, ${place}`);
        const deeper = await postRaw(`${f.server.url}${path}`, template.replace('$', deepArray(MAX_BODY_DEPTH - taken + 1)));
        assert.equal(deeper.status, 400, `${path}, ${place}: one level more`);
        assert.match(invalidRequestIn(shape, deeper.text).message, /nested more than/, `${path}, ${place}: one level more`);
      }
    }
    const ok = await postRaw(`${f.server.url}/v1/chat/completions`, { model: 'm1', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(ok.status, 200);
  });
});
