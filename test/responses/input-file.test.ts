import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { postResponses, responsesFixture, type ResponsesFixture } from './support.js';

type Part = Record<string, unknown> & { type: string };
type Message = { role: string; content: string | Part[] };

const PDF = Buffer.from('%PDF-1.4 a tiny document').toString('base64');
const TEXT = Buffer.from('plain notes').toString('base64');

const asking = (file: Record<string, unknown>): ResponseInputItem[] => [{
  type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Summarize the file.' }, { type: 'input_file', ...file } as never],
}];

/**
 * `input_file` parts of a Responses request, sent to each backend in its
 * own terms (a Chat `file` part, an Anthropic `document`), or refused by
 * name where the backend has no way to take it.
 */
describe('POST /v1/responses with input_file', () => {
  let f: ResponsesFixture;
  before(async () => { f = await responsesFixture(); });
  after(() => f.close());

  const chatParts = (): Part[] => ((f.upstream.last.body.messages as Message[]).at(-1)!.content as Part[]);
  const anthropicParts = (): Part[] => ((f.anthropic.last.body.messages as Message[]).at(-1)!.content as Part[]);

  test('a PDF as file_data reaches an OpenAI-compatible upstream as a file part and an Anthropic one as a document', async () => {
    const file = { file_data: `data:application/pdf;base64,${PDF}`, filename: 'report.pdf' };
    const r = await f.client.responses.create({ model: 'm1', input: asking(file), store: false });
    assert.equal(r.status, 'completed');
    assert.deepEqual(chatParts()[1], { type: 'file', file: { file_data: `data:application/pdf;base64,${PDF}`, filename: 'report.pdf' } });

    await f.client.responses.create({ model: 'a1', input: asking(file), store: false });
    assert.deepEqual(anthropicParts()[1], { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PDF }, title: 'report.pdf' });
  });

  test('plain text as file_data is text to both; a file_url is a document to Anthropic', async () => {
    await f.client.responses.create({ model: 'm1', input: asking({ file_data: `data:text/plain;base64,${TEXT}`, filename: 'notes.txt' }), store: false });
    assert.deepEqual(chatParts()[1], { type: 'text', text: 'plain notes' });
    await f.client.responses.create({ model: 'a1', input: asking({ file_url: 'https://example.com/paper.pdf' }), store: false });
    assert.deepEqual(anthropicParts()[1], { type: 'document', source: { type: 'url', url: 'https://example.com/paper.pdf' } });
  });

  test('an OpenAI file_id reaches an OpenAI-compatible upstream; Anthropic refuses it by name', async () => {
    await f.client.responses.create({ model: 'm1', input: asking({ file_id: 'file-abc123' }), store: false });
    assert.deepEqual(chatParts()[1], { type: 'file', file: { file_id: 'file-abc123' } });

    const refused = await postResponses(f.server, { model: 'a1', input: asking({ file_id: 'file-abc123' }), store: false });
    assert.equal(refused.status, 400);
    const error = JSON.parse(refused.text).error;
    assert.match(error.message, /'input_file \(file id\)' is not supported by this model's backend \(Anthropic Messages API\)/);
    assert.equal(error.param, 'input[0].content[1].type', 'the part as the client wrote it');
  });

  test('a file_url to an OpenAI-compatible upstream (Chat has no file URLs) is refused by name', async () => {
    const refused = await postResponses(f.server, { model: 'm1', input: asking({ file_url: 'https://example.com/paper.pdf' }), store: false });
    assert.equal(refused.status, 400);
    assert.match(JSON.parse(refused.text).error.message, /'input_file \(url\)' is not supported/);
  });

  test('a part the backend refuses inside a stored conversation is named previous_response_id, not an index of the history', async () => {
    const first = await f.client.responses.create({ model: 'a1', input: asking({ file_url: 'https://example.com/paper.pdf' }) });
    const refused = await postResponses(f.server, { model: 'm1', input: 'And the conclusion?', previous_response_id: first.id });
    assert.equal(refused.status, 400);
    const error = JSON.parse(refused.text).error;
    assert.equal(error.param, 'previous_response_id');
    assert.match(error.message, /'input_file \(url\)' is not supported/);
  });

  test('bad input_file parts are 400s naming the field', async () => {
    const notDataUrl = await postResponses(f.server, { model: 'm1', input: asking({ file_data: PDF, filename: 'report.pdf' }) });
    assert.equal(notDataUrl.status, 400);
    const bad = JSON.parse(notDataUrl.text).error;
    assert.equal(bad.param, 'input[0].content[1].file_data');
    assert.match(bad.message, /base64 data URL/);

    const empty = await postResponses(f.server, { model: 'm1', input: asking({ filename: 'nothing.pdf' }) });
    assert.equal(empty.status, 400);
    const missing = JSON.parse(empty.text).error;
    assert.equal(missing.param, 'input[0].content[1]');
    assert.equal(missing.code, 'missing_required_parameter');
  });
});
