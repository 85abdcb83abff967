import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { startLingua, type TestServer } from '../support/lingua.js';
import { API_KEY } from '../support/openai-fixture.js';
import { ScriptedProvider } from '../support/scripted-provider.js';

export interface ResponsesFixture {
  /** Serves model `m1` (upstream id `up-model`): an OpenAI-compatible chat upstream. */
  upstream: FakeOpenAI;
  /** Serves model `a1` (upstream id `claude-up`). */
  anthropic: FakeAnthropic;
  /** Serves model `s1`: canonical events as scripted. */
  scripted: ScriptedProvider;
  server: TestServer;
  /** The official `openai` SDK pointed at Lingua. */
  client: OpenAI;
  close(): Promise<void>;
}

/** One Lingua with one key in front of a chat upstream (`m1`), an Anthropic upstream (`a1`) and a scripted provider (`s1`). */
export async function responsesFixture(options: { config?: Record<string, unknown> } = {}): Promise<ResponsesFixture> {
  const upstream = new FakeOpenAI();
  const anthropic = new FakeAnthropic();
  const scripted = new ScriptedProvider('scripted');
  const server = await startLingua({
    keys: [{ name: 'test', key: API_KEY }],
    providers: [
      { name: 'up', type: 'openai', base_url: await upstream.start(), api_key: 'upstream-secret-key' },
      { name: 'anth', type: 'anthropic', base_url: await anthropic.start(), api_key: 'anthropic-secret-key' },
      // Replaced by the scripted provider of the same name.
      { name: scripted.name, type: 'openai', base_url: 'http://127.0.0.1:9/v1' },
    ],
    models: [
      { name: 'm1', provider: 'up', model: 'up-model' },
      { name: 'a1', provider: 'anth', model: 'claude-up' },
      { name: 's1', provider: scripted.name, model: 's-model' },
    ],
    ...options.config,
  }, [scripted]);
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  return {
    upstream, anthropic, scripted, server, client,
    close: async () => {
      await server.close();
      await Promise.all([upstream.close(), anthropic.close()]);
    },
  };
}

export interface Posted { status: number; headers: Headers; text: string }

/** POSTs raw JSON to Lingua's `/v1/responses`. */
export async function postResponses(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<Posted> {
  const res = await fetch(`${server.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// Events are checked loosely typed: their shapes are what the tests assert.
export type Event = Record<string, any>;

/**
 * The events of a Responses SSE body, checked for its framing as they are
 * read: every frame is an `event:` line equal to the data's `type` and one
 * `data:` line (or a `:` comment); no `[DONE]`.
 */
export function sseEvents(text: string): Event[] {
  assert.ok(text.endsWith('\n\n'), 'the body ends with a whole frame');
  assert.ok(!text.includes('[DONE]'), 'no [DONE] in a Responses stream');
  const events: Event[] = [];
  for (const frame of text.slice(0, -2).split('\n\n')) {
    if (frame.startsWith(':')) continue;
    const lines = frame.split('\n');
    assert.equal(lines.length, 2, `one event line and one data line: ${frame}`);
    assert.match(lines[0]!, /^event: /);
    assert.match(lines[1]!, /^data: /);
    const data = JSON.parse(lines[1]!.slice(6)) as Event;
    assert.equal(lines[0]!.slice(7), data.type, 'the event line is the type');
    events.push(data);
  }
  return events;
}

export const terminalTypes = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Checks a stream's structure and returns its final response: sequence
 * numbers from 0 without gaps; `response.created` then
 * `response.in_progress` first; exactly one terminal event, last; each
 * item added once and done once, its events between, naming its id and
 * output index; the final output the done items, in order, by id.
 */
export function checkStream(events: readonly Event[]): Event {
  events.forEach((e, i) => assert.equal(e.sequence_number, i, `sequence_number of event ${i} (${e.type})`));
  assert.equal(events[0]?.type, 'response.created');
  assert.equal(events[1]?.type, 'response.in_progress');
  assert.equal(events[0]!.response.id, events[1]!.response.id);
  assert.deepEqual(events[0]!.response.output, []);
  const terminals = events.filter((e) => terminalTypes.has(e.type));
  assert.equal(terminals.length, 1, 'exactly one terminal event');
  const last = events.at(-1)!;
  assert.ok(terminalTypes.has(last.type), `the last event is terminal, not ${last.type}`);
  assert.equal(last.response.id, events[0]!.response.id);

  const open = new Map<string, number>();
  const done: Event[] = [];
  for (const e of events.slice(2, -1)) {
    if (e.type === 'response.output_item.added') {
      assert.equal(e.output_index, done.length + open.size, 'output indexes count items in order');
      assert.ok(!open.has(e.item.id), 'an item is added once');
      open.set(e.item.id, e.output_index);
    } else if (e.type === 'response.output_item.done') {
      assert.equal(open.get(e.item.id), e.output_index, `done for an open item: ${e.item.id}`);
      open.delete(e.item.id);
      done[e.output_index] = e.item;
    } else {
      assert.ok(typeof e.item_id === 'string', `${e.type} names its item`);
      assert.equal(open.get(e.item_id), e.output_index, `${e.type} for an open item at its index`);
    }
  }
  if (last.type !== 'response.failed') {
    assert.equal(open.size, 0, 'every item is done before a completed or incomplete response');
    assert.deepEqual(last.response.output, done, 'the final output is the done items');
  }
  return last.response;
}

/** The event types of a stream in order, deltas collapsed into one `…*`. */
export function eventOutline(events: readonly Event[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const name = e.type.endsWith('.delta') ? `${e.type}*` : e.type;
    if (out.at(-1) !== name) out.push(name);
  }
  return out;
}
