import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { FakeOpenAI } from './fake-openai.js';
import { startLingua, type TestServer } from './lingua.js';
import { API_KEY } from './openai-fixture.js';
import { ScriptedProvider } from './scripted-provider.js';

export interface MessagesFixture {
  upstream: FakeOpenAI;
  /** Serves model `s1` (backend id `s-model`). */
  scripted: ScriptedProvider;
  server: TestServer;
  /** The official `@anthropic-ai/sdk` pointed at Lingua (it sends the key as Bearer). */
  client: Anthropic;
  close(): Promise<void>;
}

/**
 * A Lingua server with one key serving Anthropic clients: model `m1`
 * (upstream id `up-model`) on a fake OpenAI-compatible upstream, model `s1`
 * on a scripted provider.
 */
export async function messagesFixture(options: { server?: Record<string, unknown>; scripted?: ScriptedProvider } = {}): Promise<MessagesFixture> {
  const upstream = new FakeOpenAI();
  const baseUrl = await upstream.start();
  const scripted = options.scripted ?? new ScriptedProvider('scripted');
  const server = await startLingua({
    server: options.server ?? {},
    keys: [{ name: 'test', key: API_KEY }],
    providers: [
      // vLLM-like: it names the stop sequence that matched (test/router/stop-matching.test.ts has one that does not),
      // takes top_k, and takes earlier reasoning back as reasoning_content.
      { name: 'up', type: 'openai', base_url: baseUrl, api_key: 'upstream-secret-key', reports_stop_sequence: true, accepts_top_k: true, accepts_reasoning_content: true },
      // Replaced by the scripted provider of the same name.
      { name: scripted.name, type: 'openai', base_url: 'http://127.0.0.1:9/v1' },
    ],
    models: [{ name: 'm1', provider: 'up', model: 'up-model' }, { name: 's1', provider: scripted.name, model: 's-model' }],
  }, [scripted]);
  const client = new Anthropic({ baseURL: server.url, apiKey: API_KEY, maxRetries: 0 });
  return {
    upstream,
    scripted,
    server,
    client,
    close: async () => {
      await server.close();
      await upstream.close();
    },
  };
}

/** POSTs raw JSON to an Anthropic path of Lingua with `x-api-key`; status, headers and body text. */
export async function postAnthropic(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// Frames are checked loosely typed: their shapes are what the tests assert.
export type Frame = { event: string; data: any };

/**
 * An Anthropic SSE body as frames, checked to the byte: every frame is
 * exactly `event: <name>\ndata: <one-line JSON>\n\n`, and the JSON's
 * `type` is the event name.
 */
export function anthropicFrames(text: string): Frame[] {
  assert.ok(text.endsWith('\n\n'), 'the stream ends with a blank line');
  return text.slice(0, -2).split('\n\n').map((raw) => {
    const m = /^event: ([a-z_]+)\ndata: ([^\n]+)$/.exec(raw);
    assert.ok(m, `malformed frame: ${JSON.stringify(raw)}`);
    const data = JSON.parse(m[2]!) as { type: string };
    assert.equal(data.type, m[1], 'the data type matches the event name');
    return { event: m[1]!, data };
  });
}

/**
 * Asserts the block lifecycle clients rely on: `message_start` first, then
 * blocks started with indices 0, 1, 2… one at a time, deltas only for the
 * open block and of its kind, every block stopped before `message_delta`,
 * then `message_stop` last. Pings may come anywhere after `message_start`.
 */
export function assertWellFormed(frames: Frame[]): void {
  const events = frames.map((f) => f.event).filter((e) => e !== 'ping');
  assert.equal(events[0], 'message_start');
  assert.deepEqual(events.slice(-2), ['message_delta', 'message_stop']);
  const deltaFor: Record<string, string[]> = { text: ['text_delta'], thinking: ['thinking_delta', 'signature_delta'], tool_use: ['input_json_delta'], redacted_thinking: [] };
  let next = 0;
  let open: { index: number; type: string } | undefined;
  for (const { event, data } of frames.slice(1, -2)) {
    switch (event) {
      case 'ping': break;
      case 'content_block_start':
        assert.equal(open, undefined, `block ${data.index} started while block ${open?.index} is open`);
        assert.equal(data.index, next++, 'indices count up from 0');
        open = { index: data.index, type: data.content_block.type };
        break;
      case 'content_block_delta':
        assert.equal(data.index, open?.index, 'a delta for the open block');
        assert.ok(deltaFor[open!.type]!.includes(data.delta.type), `${data.delta.type} in a ${open!.type} block`);
        break;
      case 'content_block_stop':
        assert.equal(data.index, open?.index, 'the open block stops');
        open = undefined;
        break;
      default:
        assert.fail(`unexpected ${event} between message_start and message_delta`);
    }
  }
  assert.equal(open, undefined, 'every block stopped before message_delta');
}
