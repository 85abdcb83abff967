import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { anthropicFixture, type AnthropicFixture } from '../support/anthropic-fixture.js';
import type { RecordedRequest } from '../support/fake-upstream.js';

/**
 * Anthropic client → Anthropic upstream (issue 13 items 1 and 13): the
 * upstream receives what the client sent, bar the model id; the client
 * gets back every field the upstream returned; a stream takes its input
 * count from the upstream's own message_start, with no count_tokens call.
 */

type Json = Record<string, unknown>;

/** A Claude-Code-shaped turn: cached system prompt and tools, and the fields Lingua does not model. */
const clientBody = {
  model: 'm1',
  max_tokens: 32000,
  system: [
    { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
    { type: 'text', text: 'Project instructions…', cache_control: { type: 'ephemeral', ttl: '1h' } },
  ],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'List the files.', cache_control: { type: 'ephemeral' } }] },
  ],
  tools: [
    { name: 'Bash', description: 'Runs a command', input_schema: { type: 'object', properties: { command: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
  ],
  thinking: { type: 'adaptive' },
  output_config: { effort: 'high' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  container: 'container_011CUwFRT5kHRPpzfYhHv8dj',
  mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'example' }],
  service_tier: 'auto',
  metadata: { user_id: 'user_abc_account_def_session_123' },
  temperature: 1,
};

const beta = 'interleaved-thinking-2025-05-14,context-management-2025-06-27';

/** What the upstream answers beyond the canonical: cache figures by TTL, service tier, a container. */
const upstreamUsage = {
  input_tokens: 3,
  cache_creation_input_tokens: 1200,
  cache_read_input_tokens: 9800,
  cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 1000 },
  output_tokens: 7,
  service_tier: 'standard',
};
const container = { id: 'container_011CUwFRT5kHRPpzfYhHv8dj', expires_at: '2026-12-02T15:00:00Z' };

function answerMessage(req: RecordedRequest, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({
    id: 'msg_up', type: 'message', role: 'assistant', model: req.body.model,
    content: [{ type: 'text', text: 'a.txt b.txt' }],
    stop_reason: 'end_turn', stop_sequence: null, usage: upstreamUsage, container,
  }));
}

function answerStream(_req: RecordedRequest, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (data: Json) => res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
  send({
    type: 'message_start',
    message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: { ...upstreamUsage, output_tokens: 1 }, container },
  });
  send({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  send({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'a.txt b.txt' } });
  send({ type: 'content_block_stop', index: 0 });
  send({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null, container },
    usage: { output_tokens: 7 },
    context_management: { applied_edits: [] },
  });
  send({ type: 'message_stop' });
  res.end();
}

async function post(url: string, body: Json): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-0123456789', 'anthropic-version': '2023-06-01', 'anthropic-beta': beta },
    body: JSON.stringify(body),
  });
}

/** The SSE events of a stream body, parsed. */
function events(text: string): Json[] {
  return text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as Json);
}

describe('same protocol: Anthropic client → Anthropic upstream', () => {
  let f: AnthropicFixture;
  before(async () => { f = await anthropicFixture(); });
  after(() => f.close());

  test('the upstream receives the body as the client sent it, bar the model id, and the anthropic-beta header', async () => {
    f.upstream.handler = answerMessage;
    const client = new Anthropic({ baseURL: f.server.url, apiKey: 'sk-test-0123456789', maxRetries: 0, defaultHeaders: { 'anthropic-beta': beta } });
    // A timeout of its own: the SDK refuses a non-streaming call this large otherwise.
    await client.messages.create(clientBody as unknown as Anthropic.MessageCreateParamsNonStreaming, { timeout: 30_000 });
    assert.deepEqual(f.upstream.last.body, { ...clientBody, model: 'claude-up' });
    assert.equal(f.upstream.last.headers['anthropic-beta'], beta);
  });

  test('streamed: the body as sent, asked to stream', async () => {
    f.upstream.handler = answerStream;
    const client = new Anthropic({ baseURL: f.server.url, apiKey: 'sk-test-0123456789', maxRetries: 0, defaultHeaders: { 'anthropic-beta': beta } });
    await client.messages.stream(clientBody as unknown as Anthropic.MessageStreamParams).finalMessage();
    assert.deepEqual(f.upstream.last.body, { ...clientBody, model: 'claude-up', stream: true });
    assert.equal(f.upstream.last.headers['anthropic-beta'], beta);
  });

  test('the client gets every field of the message back: cache figures, service tier, container', async () => {
    f.upstream.handler = answerMessage;
    const res = await post(f.server.url, clientBody);
    assert.equal(res.status, 200);
    const message = await res.json() as Json;
    assert.deepEqual(message.usage, upstreamUsage);
    assert.deepEqual(message.container, container);
    assert.equal(message.model, 'm1');
    assert.deepEqual(message.content, [{ type: 'text', text: 'a.txt b.txt' }]);
  });

  test('streamed: message_start and message_delta carry the upstream\'s own fields; no count_tokens call', async () => {
    f.upstream.handler = answerStream;
    // An upstream that can count: a stream must still not ask it to.
    f.upstream.countTokens = 999;
    const before = f.upstream.requests.length;
    const res = await post(f.server.url, { ...clientBody, stream: true });
    const [start, ...rest] = events(await res.text());
    const message = start!.message as Json;
    assert.deepEqual(message.usage, { ...upstreamUsage, output_tokens: 1 });
    assert.deepEqual(message.container, container);
    assert.equal(message.model, 'm1');
    const delta = rest.find((e) => e.type === 'message_delta')!;
    assert.deepEqual(delta.delta, { stop_reason: 'end_turn', stop_sequence: null, container });
    assert.deepEqual(delta.context_management, { applied_edits: [] });
    // Cumulative: message_start's counts stand where message_delta gave none.
    assert.deepEqual(delta.usage, upstreamUsage);
    assert.deepEqual(f.upstream.requests.slice(before).map((r) => r.path), ['/v1/messages']);
    f.upstream.countTokens = undefined;
  });

  test('count_tokens sends the prompt as the client wrote it (cache_control, output_config, context_management, mcp_servers)', async () => {
    f.upstream.handler = undefined;
    f.upstream.countTokens = 4321;
    const { max_tokens: _m, temperature: _t, container: _c, service_tier: _s, metadata: _md, ...prompt } = clientBody;
    const counted = await f.anthropic.messages.countTokens(prompt as unknown as Anthropic.MessageCountTokensParams);
    assert.equal(counted.input_tokens, 4321);
    assert.deepEqual(f.upstream.last.body, { ...prompt, model: 'claude-up' });
    f.upstream.countTokens = undefined;
  });

  test('the SDK reads the stream\'s cache figures', async () => {
    f.upstream.handler = answerStream;
    const final = await f.anthropic.messages.stream(clientBody as unknown as Anthropic.MessageStreamParams).finalMessage();
    assert.equal(final.usage.cache_creation_input_tokens, 1200);
    assert.equal(final.usage.cache_read_input_tokens, 9800);
    assert.equal(final.usage.input_tokens, 3);
    assert.equal(final.usage.output_tokens, 7);
  });
});
