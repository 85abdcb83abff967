import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY } from '../support/openai-fixture.js';
import { postResponses, responsesFixture, type Event, type ResponsesFixture } from './support.js';

/** A second key: a config key is an account of its own, so it sees none of the first key's responses. */
const OTHER_KEY = 'sk-other-account-key-0123456789';

type Item = Record<string, any>;
type UpstreamMessage = { role: string; content?: unknown; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string };

/**
 * The Responses API's state: `store` (the default) keeps a response for the
 * key's account; `previous_response_id` continues from it; GET, DELETE and
 * input_items read it back; `encrypted_content` is sealed by the server.
 */
describe('stored responses', () => {
  let f: ResponsesFixture;
  let other: OpenAI;

  before(async () => {
    f = await responsesFixture({ config: { keys: [{ name: 'test', key: API_KEY }, { name: 'other', key: OTHER_KEY }] } });
    other = new OpenAI({ baseURL: `${f.server.url}/v1`, apiKey: OTHER_KEY, maxRetries: 0 });
  });
  after(() => f.close());

  const upstreamMessages = (): UpstreamMessage[] => f.upstream.last.body.messages as UpstreamMessage[];

  test('a response is stored by default: GET returns it as it was sent, input_items lists its input', async () => {
    f.upstream.reply = { choices: [{ text: 'Hi there.' }], usage: { prompt_tokens: 9, completion_tokens: 3 } };
    const r = await f.client.responses.create({ model: 'm1', input: 'Hello', instructions: 'Be brief.' });
    assert.equal((r as unknown as { store: boolean }).store, true);
    assert.equal(r.previous_response_id, null);

    const got = await f.client.responses.retrieve(r.id);
    assert.deepEqual(got, r);

    const items = await f.client.responses.inputItems.list(r.id);
    assert.equal(items.data.length, 1);
    const item = items.data[0] as Item;
    assert.equal(item.type, 'message');
    assert.equal(item.role, 'user');
    assert.deepEqual(item.content, [{ type: 'input_text', text: 'Hello' }]);
    assert.match(item.id, /^msg_/);
  });

  test('previous_response_id continues the conversation: its items go to the backend, its instructions do not', async () => {
    f.upstream.reply = { choices: [{ text: 'Paris.' }], usage: { prompt_tokens: 9, completion_tokens: 2 } };
    const first = await f.client.responses.create({ model: 'm1', input: 'Capital of France?', instructions: 'Answer in one word.' });
    f.upstream.reply = { choices: [{ text: 'Berlin.' }], usage: { prompt_tokens: 15, completion_tokens: 2 } };
    const second = await f.client.responses.create({ model: 'm1', input: 'And of Germany?', previous_response_id: first.id });

    assert.equal(second.previous_response_id, first.id);
    assert.equal(second.output_text, 'Berlin.');
    assert.deepEqual(upstreamMessages().map((m) => [m.role, m.content]), [
      ['user', 'Capital of France?'],
      ['assistant', 'Paris.'],
      ['user', 'And of Germany?'],
    ]);

    // The second response's input items are the whole conversation, newest first by default.
    const desc = await f.client.responses.inputItems.list(second.id);
    assert.deepEqual(desc.data.map((i) => (i as Item).type), ['message', 'message', 'message']);
    assert.deepEqual((desc.data[0] as Item).content, [{ type: 'input_text', text: 'And of Germany?' }]);
    assert.equal((desc.data[1] as Item).id, (first.output[0] as Item).id, 'the earlier answer keeps its id');
    const asc = await f.client.responses.inputItems.list(second.id, { order: 'asc', limit: 2 });
    assert.deepEqual(asc.data.map((i) => ((i as Item).content as Item[])[0]!.text), ['Capital of France?', 'Paris.']);
    assert.equal(asc.has_more, true);
    const rest = await (await fetch(`${f.server.url}/v1/responses/${second.id}/input_items?order=asc&after=${asc.data[1]!.id}`, { headers: { authorization: `Bearer ${API_KEY}` } })).json() as Item;
    assert.deepEqual(rest.data.map((i: Item) => i.id), [desc.data[0]!.id]);
    assert.equal(rest.first_id, desc.data[0]!.id);
    assert.equal(rest.last_id, desc.data[0]!.id);
    assert.equal(rest.has_more, false);
  });

  test('a tool loop through previous_response_id: the call comes from the stored response, the output from the client', async () => {
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
    f.upstream.reply = { choices: [{ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }], usage: { prompt_tokens: 10, completion_tokens: 5 } };
    const first = await f.client.responses.create({ model: 'm1', input: 'Weather in Paris?', tools });
    const call = first.output.find((i) => i.type === 'function_call') as Item;
    assert.equal(call.call_id, 'call_w1');

    f.upstream.reply = { choices: [{ text: 'Sunny.' }], usage: { prompt_tokens: 20, completion_tokens: 2 } };
    const second = await f.client.responses.create({
      model: 'm1', tools, previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_w1', output: '{"sky":"clear"}' }],
    });
    assert.equal(second.output_text, 'Sunny.');
    const messages = upstreamMessages();
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    assert.equal(messages[1]!.tool_calls![0]!.function.name, 'get_weather');
    assert.equal(messages[2]!.tool_call_id, 'call_w1');
    assert.equal(messages[2]!.content, '{"sky":"clear"}');
  });

  test('a streamed response is stored before its last event: GET right after gives the final response, same item ids', async () => {
    f.upstream.reply = { choices: [{ text: 'Streaming and stored.' }], usage: { prompt_tokens: 5, completion_tokens: 4 }, chunkSize: 4 };
    const stream = f.client.responses.stream({ model: 'm1', input: 'Stream please' });
    const done: Item[] = [];
    for await (const e of stream) if (e.type === 'response.output_item.done') done.push(e.item as Item);
    const final = await stream.finalResponse();
    const got = await f.client.responses.retrieve(final.id);
    assert.equal(got.status, 'completed');
    assert.equal(got.output_text, 'Streaming and stored.');
    assert.deepEqual(got.output.map((i) => i.id), done.map((i) => i.id));
    assert.deepEqual(got.usage, final.usage);
  });

  test('store: false keeps nothing: GET and previous_response_id are 404s', async () => {
    const r = await f.client.responses.create({ model: 'm1', input: 'Forget me', store: false });
    assert.equal((r as unknown as { store: boolean }).store, false);
    await assert.rejects(f.client.responses.retrieve(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    const res = await postResponses(f.server, { model: 'm1', input: 'Again', previous_response_id: r.id });
    assert.equal(res.status, 404);
    const error = JSON.parse(res.text).error;
    assert.equal(error.param, 'previous_response_id');
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, new RegExp(`Previous response with id '${r.id}' not found`));
  });

  test('a response past the retention (30 days by default) is a 404 for GET, input_items, DELETE and previous_response_id', async () => {
    const r = await f.client.responses.create({ model: 'm1', input: 'Remember me for a while' });
    assert.equal((await f.client.responses.retrieve(r.id)).id, r.id);
    const { db } = f.server.lingua.platform.storage;
    await db.updateTable('responses').set({ created_at: Date.now() - 31 * 86_400_000 }).where('id', '=', r.id).execute();
    await assert.rejects(f.client.responses.retrieve(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(f.client.responses.inputItems.list(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(f.client.responses.delete(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    const res = await postResponses(f.server, { model: 'm1', input: 'Again', previous_response_id: r.id });
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.text).error.param, 'previous_response_id');
  });

  test("another account's responses are not found, not readable, not deletable, not continued", async () => {
    const mine = await f.client.responses.create({ model: 'm1', input: 'Private' });
    await assert.rejects(other.responses.retrieve(mine.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(other.responses.inputItems.list(mine.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(other.responses.delete(mine.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    await assert.rejects(other.responses.create({ model: 'm1', input: 'Hi', previous_response_id: mine.id }), (e: unknown) => e instanceof OpenAI.NotFoundError);
    // Still there for its owner.
    assert.equal((await f.client.responses.retrieve(mine.id)).id, mine.id);
  });

  test('DELETE removes a response: it is then a 404', async () => {
    const r = await f.client.responses.create({ model: 'm1', input: 'Short-lived' });
    const res = await fetch(`${f.server.url}/v1/responses/${r.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json() as Item, { id: r.id, object: 'response', deleted: true });
    await assert.rejects(f.client.responses.retrieve(r.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    const again = await fetch(`${f.server.url}/v1/responses/${r.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(again.status, 404);
    assert.equal(((await again.json()) as Item).error.param, 'response_id');
  });

  test('GET without a key is a 401, an unknown id a 404 in OpenAI shape, bad list parameters 400s naming them', async () => {
    const noKey = await fetch(`${f.server.url}/v1/responses/resp_x`);
    assert.equal(noKey.status, 401);
    const unknown = await fetch(`${f.server.url}/v1/responses/resp_unknown`, { headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys(((await unknown.json()) as Item).error).sort(), ['code', 'message', 'param', 'type']);
    const r = await f.client.responses.create({ model: 'm1', input: 'List me' });
    for (const [query, param] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['order=up', 'order'], ['after=nope', 'after']] as const) {
      const res = await fetch(`${f.server.url}/v1/responses/${r.id}/input_items?${query}`, { headers: { authorization: `Bearer ${API_KEY}` } });
      assert.equal(res.status, 400, query);
      assert.equal(((await res.json()) as Item).error.param, param, query);
    }
  });

  test('item references name items of the conversation continued; an unknown one is a 404 naming it', async () => {
    f.upstream.reply = { choices: [{ text: 'Noted: blue.' }], usage: { prompt_tokens: 5, completion_tokens: 3 } };
    const first = await f.client.responses.create({ model: 'm1', input: 'My favourite colour is blue.' });
    const [question] = (await f.client.responses.inputItems.list(first.id)).data as Item[];
    f.upstream.reply = { choices: [{ text: 'Blue.' }], usage: { prompt_tokens: 9, completion_tokens: 1 } };
    const res = await postResponses(f.server, {
      model: 'm1', previous_response_id: first.id, store: false,
      input: [{ type: 'item_reference', id: question!.id }, { role: 'user', content: 'What colour?' }],
    });
    assert.equal(res.status, 200, res.text);
    // The referenced item appears again where the reference stood.
    assert.deepEqual(upstreamMessages().map((m) => [m.role, m.content]), [
      ['user', 'My favourite colour is blue.'],
      ['assistant', 'Noted: blue.'],
      ['user', 'My favourite colour is blue.'],
      ['user', 'What colour?'],
    ]);

    const missing = await postResponses(f.server, { model: 'm1', previous_response_id: first.id, input: [{ role: 'user', content: 'Hi' }, { id: 'msg_missing' }] });
    assert.equal(missing.status, 404);
    const error = JSON.parse(missing.text).error;
    assert.equal(error.param, 'input[1]');
    assert.equal(error.code, 'item_not_found');
  });
});

describe('reasoning kept across turns', () => {
  let f: ResponsesFixture;
  before(async () => { f = await responsesFixture({ config: { keys: [{ name: 'test', key: API_KEY }, { name: 'other', key: OTHER_KEY }] } }); });
  after(() => f.close());

  const thinkThenAnswer = () => {
    f.scripted.script = [
      { type: 'reasoning', choice: 0, text: 'The user wants a number.' },
      { type: 'reasoning_signature', choice: 0, signature: 'sig-secret-123' },
      { type: 'text', choice: 0, text: '42' },
      { type: 'finish', choice: 0, finish: { reason: 'stop' } },
      { type: 'usage', usage: { inputTokens: 5, outputTokens: 7 } },
    ];
  };

  test('a stored response keeps its reasoning signature for previous_response_id, without showing it', async () => {
    thinkThenAnswer();
    const first = await f.client.responses.create({ model: 's1', input: 'Pick a number' });
    const reasoning = first.output[0] as Item;
    assert.equal(reasoning.type, 'reasoning');
    assert.equal(reasoning.encrypted_content, undefined, 'not asked for: not shown');
    assert.ok(!JSON.stringify(await f.client.responses.retrieve(first.id)).includes('sig-secret-123'));

    thinkThenAnswer();
    await f.client.responses.create({ model: 's1', input: 'Why?', previous_response_id: first.id });
    const assistant = f.scripted.last.request.messages[1]!;
    assert.equal(assistant.role, 'assistant');
    assert.deepEqual(assistant.content[0], { type: 'reasoning', text: 'The user wants a number.', signature: 'sig-secret-123' });
  });

  test('encrypted_content is sealed: no reasoning or signature readable in it, altered or foreign ones are 400s', async () => {
    thinkThenAnswer();
    const first = await f.client.responses.create({ model: 's1', input: 'Pick a number', store: false, include: ['reasoning.encrypted_content'] });
    const reasoning = first.output[0] as Item;
    const token = reasoning.encrypted_content as string;
    assert.match(token, /^lingua-s1\./);
    const raw = Buffer.from(token.slice('lingua-s1.'.length), 'base64url').toString('latin1');
    assert.ok(!raw.includes('sig-secret-123') && !raw.includes('number'), 'the sealed bytes carry neither the signature nor the text');

    const replay = (key: string, encrypted: string) => postResponses(f.server, {
      model: 's1', store: false,
      input: [{ role: 'user', content: 'Pick a number' }, { ...reasoning, encrypted_content: encrypted }, { role: 'user', content: 'Why?' }],
    }, { authorization: `Bearer ${key}` });

    thinkThenAnswer();
    const ok = await replay(API_KEY, token);
    assert.equal(ok.status, 200, ok.text);
    assert.equal((f.scripted.last.request.messages[1]!.content[0] as Item).signature, 'sig-secret-123');

    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    for (const [key, value, why] of [[API_KEY, flipped, 'altered'], [OTHER_KEY, token, 'another account'], [API_KEY, 'gAAAA-openai-own', 'foreign']] as const) {
      const res = await replay(key, value);
      assert.equal(res.status, 400, why);
      const error = JSON.parse(res.text).error;
      assert.equal(error.param, 'input[1].encrypted_content', why);
      assert.equal(error.code, 'invalid_encrypted_content', why);
    }
  });

  test('a streamed response with include gets the same sealed reasoning in output_item.done and the stored response', async () => {
    thinkThenAnswer();
    const res = await postResponses(f.server, { model: 's1', input: 'Pick', stream: true, include: ['reasoning.encrypted_content'] });
    const events = res.text.slice(0, -2).split('\n\n').filter((fr) => !fr.startsWith(':')).map((fr) => JSON.parse(fr.split('\n')[1]!.slice(6)) as Event);
    const done = events.find((e) => e.type === 'response.output_item.done' && e.item.type === 'reasoning')!;
    const completed = events.at(-1)!;
    assert.equal(completed.type, 'response.completed');
    const stored = await f.client.responses.retrieve(completed.response.id);
    assert.equal((stored.output[0] as Item).encrypted_content, done.item.encrypted_content);
  });
});
