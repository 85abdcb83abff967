import type { JsonObject } from './json-text.js';

/**
 * Valid request bodies of each protocol, as the clients in the other tests
 * send them (test/openai/, test/anthropic/): the fuzz starts from these.
 * `model` is the model each body names.
 */

const weatherSchema: JsonObject = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } }, required: ['city'] };

export function openAIBodies(model: string): JsonObject[] {
  const user = { role: 'user', content: 'Hello' };
  return [
    { model, messages: [user] },
    { model, messages: [user], stream: true },
    { model, messages: [user], stream: true, stream_options: { include_usage: true }, max_tokens: 16 },
    {
      model,
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      max_completion_tokens: 77,
      stop: ['END'],
      presence_penalty: 0.1,
      frequency_penalty: -0.1,
      logit_bias: { '42': 5 },
      seed: 7,
      user: 'u-1',
      metadata: { session: 's-1' },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      reasoning_effort: 'low',
      chat_template_kwargs: { enable_thinking: false },
    },
    {
      model,
      messages: [{ role: 'system', content: [{ type: 'text', text: 'You call tools.' }] }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: weatherSchema, strict: false } },
        { type: 'function', function: { name: 'get_time' } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    },
    {
      model,
      stream: true,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, reasoning_content: 'Look it up.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'assistant', content: [{ type: 'text', text: 'It is sunny.' }, { type: 'refusal', refusal: 'no' }], name: 'bot' },
        { role: 'user', content: 'Thanks', name: 'ann' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherSchema } }],
      tool_choice: 'auto',
      n: 1,
      response_format: { type: 'json_object' },
    },
  ];
}

export function anthropicBodies(model: string): JsonObject[] {
  const hello = { role: 'user', content: 'Hello' };
  return [
    { model, max_tokens: 64, messages: [hello] },
    { model, max_tokens: 64, messages: [hello], stream: true },
    {
      model,
      max_tokens: 100,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Look:' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        { role: 'assistant', content: 'A picture.' },
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'u-1' },
    },
    {
      model,
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: [
        { name: 'get_weather', description: 'Weather of a city', input_schema: weatherSchema },
        { name: 'get_time', input_schema: { type: 'object', properties: { tz: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: false },
      stream: true,
    },
    {
      model,
      max_tokens: 5000,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'f' },
      messages: [
        { role: 'user', content: 'Q1' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'Let me think.', signature: 'EqoBCkgIARABGAIiQL2U' },
          { type: 'redacted_thinking', data: 'ENCRYPTED==' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: 1 } },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'done' }], is_error: false },
          { type: 'text', text: 'Answer briefly.' },
        ] },
      ],
    },
    {
      model,
      max_tokens: 64,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'medium', format: { type: 'json_schema', schema: weatherSchema } },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      messages: [{ role: 'system', content: 'Only JSON.' }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'x' }] }],
    },
  ];
}

/** Field names of each protocol, for fields the fuzz adds where they were not. */
export const openAIFields = [
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'n', 'stop', 'max_tokens', 'max_completion_tokens',
  'presence_penalty', 'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'user', 'tools', 'tool_choice',
  'parallel_tool_calls', 'response_format', 'seed', 'reasoning_effort', 'modalities', 'audio', 'metadata',
  'top_k', 'min_p', 'repeat_penalty', 'enable_search', 'chat_template_kwargs', 'role', 'content', 'type', 'name',
  'tool_calls', 'tool_call_id', 'function', 'arguments', 'parameters', 'image_url', 'url', 'detail', 'json_schema', 'schema',
];

export const anthropicFields = [
  'model', 'messages', 'max_tokens', 'stream', 'system', 'stop_sequences', 'temperature', 'top_p', 'top_k', 'metadata',
  'tools', 'tool_choice', 'thinking', 'output_config', 'context_management', 'cache_control', 'service_tier',
  'role', 'content', 'type', 'text', 'source', 'media_type', 'data', 'id', 'name', 'input', 'tool_use_id', 'is_error',
  'signature', 'thinking', 'budget_tokens', 'input_schema', 'disable_parallel_tool_use', 'effort', 'format', 'user_id',
];
