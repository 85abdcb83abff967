import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { twoBackends, type TwoBackends } from './two-backends.js';

/**
 * Requests valid for the client's API that Lingua refused (issue 13 item
 * 10): each reaches a backend of the client's protocol as sent, another
 * protocol's backend in its faithful translation, or is refused with a
 * 400 naming the field and the backend. Official SDKs against fake
 * upstreams recording the bodies they got.
 */

type Json = Record<string, unknown>;

const pdf = Buffer.from('%PDF-1.4 fake').toString('base64');
const wav = Buffer.from('RIFF fake wav').toString('base64');
const audioPart = { type: 'input_audio', input_audio: { data: wav, format: 'wav' } };
const filePart = { type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'report.pdf' } };

function messagesOf(body: Json): Json[] {
  return body.messages as Json[];
}

/** The OpenAI SDK's error, for `assert.rejects`. */
function openAIError(status: number, param: string, message: string) {
  return (e: unknown) => {
    assert.ok(e instanceof OpenAI.APIError, String(e));
    assert.equal(e.status, status);
    assert.equal(e.param, param);
    assert.match(e.message, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    return true;
  };
}

function anthropicError(status: number, message: string) {
  return (e: unknown) => {
    assert.ok(e instanceof Anthropic.APIError, String(e));
    assert.equal(e.status, status);
    const body = e.error as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.ok(body.error.message.includes(message), body.error.message);
    return true;
  };
}

describe('valid requests: OpenAI client', () => {
  let b: TwoBackends;
  before(async () => { b = await twoBackends(); });
  after(() => b.close());

  test('input_audio and file parts reach an OpenAI-compatible upstream as sent', async () => {
    const content = [{ type: 'text', text: 'Transcribe and summarize.' }, audioPart, filePart, { type: 'file', file: { file_id: 'file-abc123' } }];
    await b.openai.chat.completions.create({ model: 'oa', messages: [{ role: 'user', content }] } as never);
    assert.deepEqual(messagesOf(b.openaiUpstream.last.body)[0], { role: 'user', content });
  });

  test('a file part with PDF data becomes an Anthropic base64 PDF document', async () => {
    await b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarize.' }, filePart] }] } as never);
    const content = messagesOf(b.anthropicUpstream.last.body)[0]!.content;
    assert.deepEqual(content, [
      { type: 'text', text: 'Summarize.' },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf }, title: 'report.pdf' },
    ]);
  });

  test('input_audio in front of an Anthropic backend: a 400 naming the part and the backend', async () => {
    const count = b.anthropicUpstream.requests.length;
    await assert.rejects(
      b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }, audioPart] }] } as never),
      openAIError(400, 'messages[1].content[1].type', "messages[1].content[1].type 'input_audio' is not supported by this model's backend (Anthropic Messages API)"),
    );
    assert.equal(b.anthropicUpstream.requests.length, count, 'the upstream is not called');
  });

  test('a file id in front of an Anthropic backend is refused (it names another store)', async () => {
    await assert.rejects(
      b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc123' } }] }] } as never),
      openAIError(400, 'messages[0].content[0].type', "'file (file id)' is not supported by this model's backend (Anthropic Messages API)"),
    );
  });

  const customTool = { type: 'custom', custom: { name: 'apply_patch', description: 'Applies a patch.', format: { type: 'grammar', grammar: { syntax: 'lark', definition: 'start: "*** Begin Patch" /(.|\\n)*/' } } } };
  const fnTool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } };

  for (const model of ['oa', 'an']) {
    test(`a custom tool becomes a function of one string argument (${model})`, async () => {
      await b.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Patch it.' }], tools: [customTool], tool_choice: { type: 'custom', custom: { name: 'apply_patch' } } } as never);
      const body = (model === 'oa' ? b.openaiUpstream : b.anthropicUpstream).last.body;
      const tool = (body.tools as Json[])[0]!;
      const schema = (model === 'oa' ? (tool.function as Json).parameters : tool.input_schema) as Json;
      assert.deepEqual(schema.required, ['input']);
      assert.equal((schema.properties as Json & { input: Json }).input.type, 'string');
      const description = String(model === 'oa' ? (tool.function as Json).description : tool.description);
      assert.ok(description.startsWith('Applies a patch.') && description.includes('*** Begin Patch'), description);
      assert.deepEqual(body.tool_choice, model === 'oa' ? { type: 'function', function: { name: 'apply_patch' } } : { type: 'tool', name: 'apply_patch' });
    });

    test(`allowed_tools sends only the allowed tools, under its mode (${model})`, async () => {
      const choice = { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'lookup' } }] } };
      await b.openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Look it up.' }], tools: [customTool, fnTool], tool_choice: choice } as never);
      const body = (model === 'oa' ? b.openaiUpstream : b.anthropicUpstream).last.body;
      const names = (body.tools as Json[]).map((t) => model === 'oa' ? (t.function as Json).name : t.name);
      assert.deepEqual(names, ['lookup']);
      assert.deepEqual(body.tool_choice, model === 'oa' ? 'required' : { type: 'any' });
    });
  }

  test('allowed_tools naming a tool not given is a 400 naming it', async () => {
    const choice = { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'nope' } }] } };
    await assert.rejects(
      b.openai.chat.completions.create({ model: 'oa', messages: [{ role: 'user', content: 'Hi' }], tools: [fnTool], tool_choice: choice } as never),
      openAIError(400, 'tool_choice.allowed_tools.tools[0]', "no function tool named 'nope'"),
    );
  });

  test('reasoning_effort xhigh reaches an OpenAI upstream as sent and thinks at high on Anthropic', async () => {
    await b.openai.chat.completions.create({ model: 'oa', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'xhigh' } as never);
    assert.equal(b.openaiUpstream.last.body.reasoning_effort, 'xhigh');
    await b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'xhigh' } as never);
    const xhigh = b.anthropicUpstream.last.body.thinking;
    await b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'high' });
    assert.deepEqual(xhigh, b.anthropicUpstream.last.body.thinking);
  });

  test('reasoning_effort minimal thinks at the lowest budget on Anthropic; none does not think', async () => {
    await b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'minimal' });
    assert.deepEqual(b.anthropicUpstream.last.body.thinking, { type: 'enabled', budget_tokens: 1024 });
    await b.openai.chat.completions.create({ model: 'an', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'none' } as never);
    assert.equal(b.anthropicUpstream.last.body.thinking, undefined);
    await b.openai.chat.completions.create({ model: 'oa', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'none' } as never);
    assert.equal(b.openaiUpstream.last.body.reasoning_effort, 'none');
  });
});

describe('valid requests: Anthropic client', () => {
  let b: TwoBackends;
  before(async () => { b = await twoBackends(); });
  after(() => b.close());

  const textDoc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The sky is blue.' }, title: 'Facts', cache_control: { type: 'ephemeral' } };
  const pdfDoc = { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: pdf }, title: 'report.pdf' };
  const searchResult = { type: 'search_result', source: 'https://example.com/sky', title: 'Sky', content: [{ type: 'text', text: 'Blue, by Rayleigh scattering.' }], citations: { enabled: true } };
  const webSearch = { type: 'web_search_20250305', name: 'web_search', max_uses: 3 };
  const bash = { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } };

  test('documents, search results, server tools and their history blocks reach an Anthropic upstream as sent', async () => {
    const messages = [
      { role: 'user', content: [textDoc, searchResult, { type: 'text', text: 'What colour is the sky?' }] },
      { role: 'assistant', content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'sky colour' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [{ type: 'web_search_result', url: 'https://example.com', title: 'Sky', encrypted_content: 'EqQ', page_age: null }] },
        { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'cat sky.pdf' } },
      ] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [pdfDoc, searchResult] }] },
    ];
    await b.anthropic.messages.create({ model: 'an', max_tokens: 256, messages, tools: [bash, webSearch], tool_choice: { type: 'tool', name: 'web_search' } } as never);
    const got = b.anthropicUpstream.last.body;
    assert.deepEqual(got.messages, messages);
    assert.deepEqual(got.tools, [bash, webSearch]);
    assert.deepEqual(got.tool_choice, { type: 'tool', name: 'web_search' });
  });

  test('documents become text and file parts for an OpenAI-compatible upstream (also inside a tool result)', async () => {
    await b.anthropic.messages.create({ model: 'oa', max_tokens: 256, tools: [bash], messages: [
      { role: 'user', content: [textDoc, pdfDoc, { type: 'text', text: 'Compare.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'cat notes.txt' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } }] }] },
    ] } as never);
    const sent = messagesOf(b.openaiUpstream.last.body);
    assert.deepEqual(sent[0], { role: 'user', content: [
      { type: 'text', text: 'The sky is blue.' },
      { type: 'file', file: { file_data: `data:application/pdf;base64,${pdf}`, filename: 'report.pdf' } },
      { type: 'text', text: 'Compare.' },
    ] });
    const results = sent.filter((m) => m.role === 'tool');
    assert.equal(results.length, 1);
    assert.equal(results[0]!.tool_call_id, 'toolu_1');
    assert.ok(JSON.stringify(sent.slice(2)).includes('notes'), JSON.stringify(sent.slice(2)));
  });

  test('a search result in front of an OpenAI-compatible upstream: a 400 naming the block as the client wrote it', async () => {
    const count = b.openaiUpstream.requests.length;
    await assert.rejects(
      b.anthropic.messages.create({ model: 'oa', max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Sky?' }, searchResult] }] } as never),
      anthropicError(400, "messages.0.content.1.type 'search_result' is not supported by this model's backend (an OpenAI-compatible API)"),
    );
    assert.equal(b.openaiUpstream.requests.length, count, 'the upstream is not called');
  });

  test('a server tool, container or mcp_servers in front of an OpenAI-compatible upstream: a 400 naming it', async () => {
    const ask = { model: 'oa', max_tokens: 256, messages: [{ role: 'user', content: 'Sky?' }] };
    await assert.rejects(b.anthropic.messages.create({ ...ask, tools: [bash, webSearch] } as never), anthropicError(400, "'tools.1.type' needs an Anthropic backend"));
    await assert.rejects(b.anthropic.messages.create({ ...ask, container: 'container_1' } as never), anthropicError(400, "'container' needs an Anthropic backend"));
    await assert.rejects(
      b.anthropic.messages.create({ ...ask, mcp_servers: [{ type: 'url', url: 'https://mcp.example.com/sse', name: 'x' }] } as never),
      anthropicError(400, "'mcp_servers' needs an Anthropic backend"),
    );
  });

  test('a custom tool without input_schema is still a 400 naming it', async () => {
    await assert.rejects(
      b.anthropic.messages.create({ model: 'an', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }], tools: [{ name: 'x' }] } as never),
      anthropicError(400, 'tools.0.input_schema: Field required'),
    );
  });
});
