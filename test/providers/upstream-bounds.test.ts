import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import { postAnthropic } from '../support/messages-fixture.js';
import type { FakeHandler } from '../support/fake-upstream.js';
import { openAIFixture, postRaw, sseData, type OpenAIFixture } from '../support/openai-fixture.js';
import { until } from '../support/until.js';

/** Small bounds, so that a test crosses them in a few kilobytes. */
const bounds = { max_response_mb: 1 / 16, max_error_body_kb: 16, max_sse_event_mb: 1 / 16 };
const ask = { model: 'm1', messages: [{ role: 'user', content: 'hi' }] };
// Without the bounds the upstream is read until it stops: a test would wait for the call's timeout.
const limited = { timeout: 15_000 };

/**
 * Writes `head`, then `piece` every 2 ms until Lingua hangs up: an upstream
 * that never ends its body (at 8 MB/s, so that a Lingua without bounds fills
 * its memory slowly while the test times out).
 */
function endless(res: ServerResponse, head: string, piece: string): void {
  res.write(head);
  const timer = setInterval(() => { if (!res.destroyed) res.write(piece); }, 2);
  res.on('close', () => clearInterval(timer));
}

const kb16 = 'x'.repeat(16 * 1024);
const chunk = (choice: Record<string, unknown>) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [choice] })}\n\n`;

/** The error of an answer that failed with a 502: a JSON error, or the error frame ending a stream already under way. */
function openAIFailure(res: { status: number; text: string }): { message: string; code: string | null } {
  if (res.status === 200) return (JSON.parse(sseData(res.text).at(-1)!) as { error: { message: string; code: string | null } }).error;
  assert.equal(res.status, 502, res.text.slice(0, 300));
  return (JSON.parse(res.text) as { error: { message: string; code: string | null } }).error;
}

describe('bounded reads from an OpenAI-compatible upstream', () => {
  let f: OpenAIFixture;
  before(async () => { f = await openAIFixture({ provider: bounds }); });
  after(() => f.close());

  async function stillServes(): Promise<void> {
    f.upstream.handler = undefined;
    for (const stream of [false, true]) assert.equal((await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream })).status, 200);
  }

  /** A streaming request to an upstream that `handler` answers (and never ends) fails with `message`, the upstream call is aborted, and the server still serves. */
  async function streamFails(handler: FakeHandler, message: string | RegExp): Promise<void> {
    f.upstream.handler = handler;
    const aborted = f.upstream.aborted;
    const error = openAIFailure(await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream: true }));
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    await until(() => f.upstream.aborted > aborted, 'the upstream call to be aborted');
    await stillServes();
  }

  test('a JSON body that never ends: a 502 past max_response_mb, the upstream call aborted', limited, async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      endless(res, '{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"', kb16);
    };
    const aborted = f.upstream.aborted;
    const res = await postRaw(`${f.server.url}/v1/chat/completions`, ask);
    assert.equal(res.status, 502, res.text.slice(0, 300));
    const { error } = JSON.parse(res.text) as { error: { message: string; code: string; type: string } };
    assert.equal(error.code, 'upstream_response_too_large');
    assert.equal(error.message, "upstream provider 'up' sent a response body longer than 0.0625 MB (max_response_mb); the call was stopped");
    await until(() => f.upstream.aborted > aborted, 'the upstream call to be aborted');
    await stillServes();
  });

  test('an error body that never ends: a 502 past max_error_body_kb, streaming or not', limited, async () => {
    for (const stream of [false, true]) {
      f.upstream.handler = (_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        endless(res, '<html><body>', kb16);
      };
      const aborted = f.upstream.aborted;
      const res = await postRaw(`${f.server.url}/v1/chat/completions`, { ...ask, stream });
      assert.equal(res.status, 502, res.text.slice(0, 300));
      const { error } = JSON.parse(res.text) as { error: { message: string; code: string } };
      assert.equal(error.code, 'upstream_response_too_large');
      assert.equal(error.message, "upstream provider 'up' sent an error body (HTTP 500) longer than 16 KB (max_error_body_kb); the call was stopped");
      await until(() => f.upstream.aborted > aborted, 'the upstream call to be aborted');
    }
    await stillServes();
  });

  test('an SSE line that never ends: the stream fails past max_sse_event_mb, the upstream call aborted', limited, () => streamFails((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    endless(res, `${chunk({ index: 0, delta: { content: 'so far' }, finish_reason: null })}data: {"choices":[{"index":0,"delta":{"content":"`, kb16);
  }, "upstream provider 'up' sent a stream event (or a line without its end) longer than 0.0625 MB (max_sse_event_mb); the call was stopped"));

  test('tool-call arguments that never get their name: the stream fails past max_sse_event_mb of them', limited, () => streamFails((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    endless(res, '', chunk({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: kb16 } }] }, finish_reason: null }));
  }, /^upstream provider 'up' sent more than 65536 characters of tool-call arguments without the call's name/));

  test('a choice the request did not ask for: the stream fails rather than keeping state for it', limited, () => streamFails((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    endless(res, chunk({ index: 0, delta: { content: 'a' }, finish_reason: null }) + chunk({ index: 1_000_000, delta: { content: 'b' }, finish_reason: null }), '');
  }, "upstream provider 'up' sent choice 1000000, beyond the 1 requested"));
});

describe('bounded reads from an Anthropic upstream', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture({ provider: bounds }); });
  after(() => f.close());

  const messagesAsk = { model: 'm1', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
  const frame = (data: Record<string, unknown>) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
  const start = frame({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-up', content: [], usage: { input_tokens: 1, output_tokens: 1 } } });

  async function stillServes(): Promise<void> {
    f.upstream.handler = undefined;
    for (const stream of [false, true]) assert.equal((await postAnthropic(`${f.server.url}/v1/messages`, { ...messagesAsk, stream })).status, 200);
  }

  /** The error an Anthropic client got: a JSON error, or the error event ending a stream already under way. */
  function anthropicFailure(res: { status: number; text: string }): { type: string; message: string } {
    if (res.status === 200) {
      const last = res.text.trimEnd().split('\n\n').at(-1)!;
      assert.match(last, /^event: error\n/);
      return (JSON.parse(last.slice(last.indexOf('data: ') + 6)) as { error: { type: string; message: string } }).error;
    }
    assert.equal(res.status, 502, res.text.slice(0, 300));
    return (JSON.parse(res.text) as { error: { type: string; message: string } }).error;
  }

  test('an event whose data lines never end: the stream fails past max_sse_event_mb', limited, async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endless(res, `${start}event: content_block_delta\n`, `data: ${kb16}\n`);
    };
    const aborted = f.upstream.aborted;
    const error = anthropicFailure(await postAnthropic(`${f.server.url}/v1/messages`, { ...messagesAsk, stream: true }));
    assert.equal(error.message, "upstream provider 'anth' sent a stream event (or a line without its end) longer than 0.0625 MB (max_sse_event_mb); the call was stopped");
    await until(() => f.upstream.aborted > aborted, 'the upstream call to be aborted');
    await stillServes();
  });

  test('a thinking signature that never ends: the stream fails past max_sse_event_mb of it', limited, async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endless(res, start + frame({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }),
        frame({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: kb16 } }));
    };
    const error = anthropicFailure(await postAnthropic(`${f.server.url}/v1/messages`, { ...messagesAsk, stream: true }));
    assert.equal(error.message, "upstream provider 'anth' sent a thinking signature longer than 65536 characters");
    await stillServes();
  });

  test('a non-streaming message body that never ends: a 502 past max_response_mb', limited, async () => {
    f.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      endless(res, '{"type":"message","content":[{"type":"text","text":"', kb16);
    };
    const res = await postAnthropic(`${f.server.url}/v1/messages`, messagesAsk);
    assert.equal(res.status, 502, res.text.slice(0, 300));
    assert.deepEqual(JSON.parse(res.text), {
      type: 'error',
      error: { type: 'api_error', message: "upstream provider 'anth' sent a response body longer than 0.0625 MB (max_response_mb); the call was stopped" },
    });
    await stillServes();
  });
});
