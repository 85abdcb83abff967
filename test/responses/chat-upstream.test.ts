import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { checkStream, eventOutline, postResponses, responsesFixture, sseEvents, type Event, type ResponsesFixture } from './support.js';

type UpstreamMessage = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string; reasoning_content?: string };

describe('POST /v1/responses over an OpenAI-compatible chat upstream', () => {
  let f: ResponsesFixture;
  before(async () => { f = await responsesFixture(); });
  after(() => f.close());

  test('responses.create: the response object, its message, usage and the public model name', async () => {
    f.upstream.reply = { choices: [{ text: 'Hi there.' }], usage: { prompt_tokens: 11, completion_tokens: 3 } };
    const r = await f.client.responses.create({ model: 'm1', input: 'Hello', instructions: 'Be brief.', max_output_tokens: 64, temperature: 0.5, top_p: 0.9, store: false });
    assert.equal(r.object, 'response');
    assert.match(r.id, /^resp_/);
    assert.equal(r.model, 'm1');
    assert.equal(r.status, 'completed');
    assert.equal(r.output_text, 'Hi there.');
    assert.equal(r.output.length, 1);
    const message = r.output[0]!;
    assert.equal(message.type, 'message');
    assert.match(message.id!, /^msg_/);
    assert.deepEqual(r.usage, { input_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 });
    // The request's own fields come back.
    assert.equal(r.instructions, 'Be brief.');
    assert.equal(r.max_output_tokens, 64);
    assert.equal(r.temperature, 0.5);
    assert.equal((r as unknown as { store: boolean }).store, false);
    assert.equal(r.error, null);
    assert.equal(r.incomplete_details, null);
    // The upstream got a chat request.
    const body = f.upstream.last.body;
    assert.equal(body.model, 'up-model');
    assert.deepEqual(body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }]);
    assert.equal(body.max_tokens, 64);
    assert.equal(body.temperature, 0.5);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.stream, undefined);
  });

  test('responses.stream: text deltas, then the final response with the same item ids', async () => {
    f.upstream.reply = { choices: [{ text: 'Streaming works fine.' }], usage: { prompt_tokens: 5, completion_tokens: 4 }, chunkSize: 3 };
    const stream = f.client.responses.stream({ model: 'm1', input: [{ role: 'user', content: 'Hi' }] });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.finalResponse();
    assert.equal(events.filter((e) => e.type === 'response.output_text.delta').map((e) => (e as { delta: string }).delta).join(''), 'Streaming works fine.');
    assert.equal(final.output_text, 'Streaming works fine.');
    const added = events.find((e) => e.type === 'response.output_item.added') as { item: { id: string } };
    assert.equal(final.output[0]!.id, added.item.id);
    assert.equal(final.usage?.total_tokens, 9);
    assert.equal(events.at(-1)!.type, 'response.completed');
  });

  test('the raw stream: framing, sequence numbers and the item lifecycle of reasoning, text and a function call', async () => {
    f.upstream.reply = {
      choices: [{ reasoning: 'Let me look.', text: 'Listing files.', toolCalls: [{ id: 'call_1', name: 'shell', arguments: '{"cmd":["ls","-la"]}' }] }],
      usage: { prompt_tokens: 20, completion_tokens: 12 },
      chunkSize: 5,
    };
    const res = await postResponses(f.server, {
      model: 'm1', input: 'What is here?', stream: true,
      tools: [{ type: 'function', name: 'shell', description: 'Runs a command.', parameters: { type: 'object', properties: { cmd: { type: 'array', items: { type: 'string' } } } }, strict: false }],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const events = sseEvents(res.text);
    const final = checkStream(events);
    assert.deepEqual(eventOutline(events), [
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added', 'response.reasoning_text.delta*', 'response.reasoning_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.content_part.added', 'response.output_text.delta*', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta*', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ]);
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.output.map((i: Event) => i.type), ['reasoning', 'message', 'function_call']);
    const [reasoning, message, call] = final.output as Event[];
    assert.match(reasoning!.id, /^rs_/);
    assert.deepEqual(reasoning!.content, [{ type: 'reasoning_text', text: 'Let me look.' }]);
    assert.equal(reasoning!.encrypted_content, undefined, 'no encrypted_content unless included');
    assert.equal(message!.content[0].text, 'Listing files.');
    assert.match(call!.id, /^fc_/);
    assert.deepEqual({ call_id: call!.call_id, name: call!.name, arguments: call!.arguments, status: call!.status }, { call_id: 'call_1', name: 'shell', arguments: '{"cmd":["ls","-la"]}', status: 'completed' });
    const argsDone = events.find((e) => e.type === 'response.function_call_arguments.done')!;
    assert.equal(argsDone.arguments, '{"cmd":["ls","-la"]}');
    assert.equal(argsDone.name, 'shell');
    assert.deepEqual(final.usage, { input_tokens: 20, input_tokens_details: { cached_tokens: 0 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 32 });
    // The upstream got the tool as a chat function, and was asked for usage.
    const body = f.upstream.last.body;
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'shell', description: 'Runs a command.', parameters: { type: 'object', properties: { cmd: { type: 'array', items: { type: 'string' } } } }, strict: false } }]);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  test('a function call round trip: the call, then its output in the next request', async () => {
    f.upstream.reply = { choices: [{ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }], usage: { prompt_tokens: 10, completion_tokens: 5 } };
    const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true }];
    const first = await f.client.responses.create({ model: 'm1', input: 'Weather in Paris?', tools, tool_choice: 'required', parallel_tool_calls: false, store: false });
    const call = first.output.find((i) => i.type === 'function_call');
    assert.ok(call !== undefined && call.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.equal(call.call_id, 'call_w1');
    assert.equal(f.upstream.last.body.tool_choice, 'required');
    assert.equal(f.upstream.last.body.parallel_tool_calls, false);

    f.upstream.reply = { choices: [{ text: 'It is sunny in Paris.' }], usage: { prompt_tokens: 30, completion_tokens: 6 } };
    const second = await f.client.responses.create({
      model: 'm1', tools, store: false,
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...(first.output as ResponseInputItem[]),
        { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"sunny"}' },
      ],
    });
    assert.equal(second.output_text, 'It is sunny in Paris.');
    const messages = f.upstream.last.body.messages as UpstreamMessage[];
    assert.deepEqual(messages, [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"sky":"sunny"}' },
    ]);
  });

  test('input items: message roles, content parts, history turns merged, tool outputs with parts', async () => {
    f.upstream.reply = { choices: [{ text: 'ok' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const res = await postResponses(f.server, {
      model: 'm1',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Rules.' }] },
        { role: 'system', content: 'More rules.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thought about it.' }] },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Calling two tools.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'c1', name: 'a', arguments: '{}' },
        { type: 'function_call', id: 'fc_2', call_id: 'c2', name: 'b', arguments: '{"x":1}' },
        { type: 'function_call_output', call_id: 'c1', output: 'one' },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: 'two' }] },
        { role: 'user', content: 'And?' },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(f.upstream.last.body.messages, [
      { role: 'system', content: 'Rules.' },
      { role: 'system', content: 'More rules.' },
      { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
      {
        // No reasoning_content: this upstream is not marked accepts_reasoning_content.
        role: 'assistant', content: 'Calling two tools.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } },
          { id: 'c2', type: 'function', function: { name: 'b', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'one' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
      { role: 'user', content: 'And?' },
    ]);
  });

  test('text.format json_schema and reasoning.effort reach the backend', async () => {
    f.upstream.reply = { choices: [{ text: '{"a":1}' }], usage: { prompt_tokens: 1, completion_tokens: 1 } };
    await f.client.responses.create({
      model: 'm1', input: 'JSON please',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { a: { type: 'number' } } }, strict: true } },
      reasoning: { effort: 'low', summary: 'auto' },
      safety_identifier: 'user-42',
    });
    const body = f.upstream.last.body;
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { a: { type: 'number' } } }, strict: true } });
    assert.equal(body.reasoning_effort, 'low');
    assert.equal(body.user, 'user-42');
  });

  test('a generation cut at max_output_tokens: response.incomplete with incomplete_details.reason', async () => {
    f.upstream.reply = { choices: [{ text: 'This answer is cut', finish: 'length' }], usage: { prompt_tokens: 4, completion_tokens: 16 } };
    const streamed = await postResponses(f.server, { model: 'm1', input: 'Tell me a story', max_output_tokens: 16, stream: true });
    const events = sseEvents(streamed.text);
    const final = checkStream(events);
    assert.equal(events.at(-1)!.type, 'response.incomplete');
    assert.equal(final.status, 'incomplete');
    assert.deepEqual(final.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(final.output[0].status, 'incomplete');
    const whole = await f.client.responses.create({ model: 'm1', input: 'Tell me a story', max_output_tokens: 16 });
    assert.equal(whole.status, 'incomplete');
    assert.deepEqual(whole.incomplete_details, { reason: 'max_output_tokens' });
  });

  test('a backend that drops the connection mid-stream: response.failed with a code, never a silent cut', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'half' }, finish_reason: null }] })}\n\n`);
      setTimeout(() => res.destroy(), 20);
    };
    try {
      const res = await postResponses(f.server, { model: 'm1', input: 'Hi', stream: true });
      assert.equal(res.status, 200);
      const events = sseEvents(res.text);
      const final = checkStream(events);
      assert.equal(final.status, 'failed');
      assert.equal(final.error.code, 'server_error');
      assert.match(final.error.message, /upstream/);
      // What was written so far is in the failed response, marked incomplete.
      assert.deepEqual(final.output.map((i: Event) => [i.type, i.status, i.content[0].text]), [['message', 'incomplete', 'half']]);
      // The SDK's final response is the failed one.
      const sdk = f.client.responses.stream({ model: 'm1', input: 'Hi' });
      for await (const e of sdk) void e;
      const failed = await sdk.finalResponse();
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error?.code, 'server_error');
    } finally { f.upstream.handler = undefined; }
  });

  test('a backend stream that ends without finishing: response.failed', async () => {
    f.upstream.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: req.body.model, choices: [{ index: 0, delta: { content: 'cut' }, finish_reason: null }] })}\n\ndata: [DONE]\n\n`);
    };
    try {
      const events = sseEvents((await postResponses(f.server, { model: 'm1', input: 'Hi', stream: true })).text);
      assert.equal(checkStream(events).status, 'failed');
    } finally { f.upstream.handler = undefined; }
  });

  test('an upstream error before the first byte keeps its HTTP status and OpenAI error shape', async () => {
    f.upstream.handler = (_req, res) => { res.writeHead(429, { 'content-type': 'application/json' }); res.end('{"error":{"message":"slow down","code":"rate_limit_exceeded"}}'); };
    try {
      const res = await postResponses(f.server, { model: 'm1', input: 'Hi', stream: true });
      assert.equal(res.status, 429);
      const body = JSON.parse(res.text);
      assert.equal(body.error.type, 'rate_limit_error');
      assert.equal(body.error.code, 'rate_limit_exceeded');
    } finally { f.upstream.handler = undefined; }
  });
});
