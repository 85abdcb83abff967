/**
 * The fixed bodies of the gateway benchmark: one small chat request, and the
 * upstream's canned answers (a `chat.completion`, and a chunk stream with a
 * usage chunk and `[DONE]`, as an OpenAI-compatible server sends them).
 */

/** Public model names in Lingua's bench config; the upstream ignores them. */
export const benchModel = 'bench-model';
export const benchStreamModel = 'bench-model-stream';

/** Upstream paths: nginx cannot read a body, so streams get their own path. */
export const completionPath = '/v1/chat/completions';
export const streamPath = '/stream/v1/chat/completions';

const messages = [
  { role: 'system', content: 'You are a helpful assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];

export const completionRequest = JSON.stringify({ model: benchModel, messages, max_tokens: 64, temperature: 0.7 });
export const streamRequest = JSON.stringify({ model: benchStreamModel, messages, max_tokens: 64, temperature: 0.7, stream: true });

const usage = { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 };
const head = { id: 'chatcmpl-bench0001', created: 1_760_000_000, model: 'upstream-model' };

export const completionResponse = JSON.stringify({
  ...head,
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, logprobs: null, finish_reason: 'stop' }],
  usage,
});

const pieces = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];

function chunk(delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
}

export const streamResponse = [
  chunk({ role: 'assistant', content: '' }, null),
  ...pieces.map((p) => chunk({ content: p }, null)),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
  'data: [DONE]\n\n',
].join('');

/**
 * A Codex-shaped turn (instructions, the history as input items with a
 * function call and its output, a function tool, store:false) and the same
 * conversation as a chat completions request: the Responses target against
 * chat on the same upstream answers.
 */
const shellTool = {
  name: 'shell',
  description: 'Runs a shell command and returns its output.',
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false },
};
const instructions = 'You are a coding agent. Use the shell tool to inspect the workspace.';
const responsesInput = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files, then say hello.' }] },
  { type: 'function_call', call_id: 'call_bench1', name: 'shell', arguments: '{"command":["ls"]}' },
  { type: 'function_call_output', call_id: 'call_bench1', output: 'README.md\nsrc\n' },
];
function responsesBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model, instructions, input: responsesInput, tools: [{ type: 'function', strict: false, ...shellTool }],
    tool_choice: 'auto', parallel_tool_calls: false, store: false, stream, max_output_tokens: 64,
  });
}
export const responsesPath = '/v1/responses';
export const responsesRequest = responsesBody(benchModel, false);
export const responsesStreamRequest = responsesBody(benchStreamModel, true);

const toolMessages = [
  { role: 'system', content: instructions },
  { role: 'user', content: 'List the files, then say hello.' },
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_bench1', type: 'function', function: { name: 'shell', arguments: '{"command":["ls"]}' } }] },
  { role: 'tool', tool_call_id: 'call_bench1', content: 'README.md\nsrc\n' },
];
function chatToolBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model, messages: toolMessages, tools: [{ type: 'function', function: shellTool }], tool_choice: 'auto', parallel_tool_calls: false,
    max_tokens: 64, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
export const chatToolRequest = chatToolBody(benchModel, false);
export const chatToolStreamRequest = chatToolBody(benchStreamModel, true);
