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
