import { Pool } from 'undici';
import { z } from 'zod';
import { LinguaError, type StreamEvent } from '../../canonical/index.js';
import type { Provider, ProviderCall, ProviderFactory } from '../provider.js';
import { UpstreamExchange } from '../http/upstream-request.js';
import { toOpenAIBody } from './map-request.js';
import { completionToEvents } from './map-response.js';
import { OpenAIStreamMapper } from './map-stream.js';

export const openAIProviderSchema = z.object({
  name: z.string().min(1),
  type: z.literal('openai'),
  /** Up to and including the version segment: `http://host:8000/v1`. */
  base_url: z.url({ protocol: /^https?$/ }),
  api_key: z.string().optional(),
  /** Non-streaming: the whole call; streaming: until the first byte. */
  timeout_s: z.number().positive().default(90),
  /** Streaming: the longest silence allowed between two chunks. */
  stream_idle_timeout_s: z.number().positive().default(300),
  /** Most open connections to the upstream (keep-alive pooled). */
  max_connections: z.int().positive().default(256),
  /** Field used for the token limit: newer OpenAI models want `max_completion_tokens`. */
  max_tokens_field: z.enum(['max_tokens', 'max_completion_tokens']).default('max_tokens'),
  /** Extra headers sent upstream on every request. */
  headers: z.record(z.string(), z.string()).default({}),
});

export type OpenAIProviderConfig = z.infer<typeof openAIProviderSchema>;

/** Any server that speaks OpenAI Chat Completions: vLLM, SGLang, Ollama, llama.cpp server, OpenAI… */
export class OpenAIProvider implements Provider {
  readonly name: string;
  readonly #config: OpenAIProviderConfig;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;

  constructor(config: OpenAIProviderConfig) {
    this.name = config.name;
    this.#config = config;
    const url = new URL(config.base_url);
    this.#pool = new Pool(url.origin, { connections: config.max_connections, keepAliveTimeout: 30_000, pipelining: 1 });
    this.#path = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...config.headers };
    if (config.api_key) this.#headers.authorization = `Bearer ${config.api_key}`;
  }

  async *stream(call: ProviderCall): AsyncGenerator<StreamEvent> {
    const body = toOpenAIBody(call.request, { model: call.model, maxTokensField: this.#config.max_tokens_field });
    const exchange = new UpstreamExchange({
      provider: this.name,
      pool: this.#pool,
      path: this.#path,
      headers: this.#headers,
      body: JSON.stringify(body),
      signal: call.signal,
      stream: call.request.stream,
      timeoutS: this.#config.timeout_s,
      idleTimeoutS: this.#config.stream_idle_timeout_s,
    });
    try {
      const response = await exchange.send();
      if (!call.request.stream) {
        // for-of, not yield*: yield* over an array in an async generator costs
        // an extra promise per element.
        for (const e of completionToEvents(await exchange.json(response), this.name)) yield e;
        return;
      }
      const mapper = new OpenAIStreamMapper(this.name);
      const out: StreamEvent[] = [];
      for await (const sse of exchange.events(response)) {
        if (sse.data === '[DONE]') {
          await exchange.settle();
          break;
        }
        let chunk: Record<string, unknown>;
        try { chunk = JSON.parse(sse.data) as Record<string, unknown>; } catch {
          throw new LinguaError('upstream', `upstream provider '${this.name}' sent a stream chunk that is not JSON`);
        }
        mapper.push(chunk, out);
        if (out.length > 0) {
          for (const e of out) yield e;
          out.length = 0;
        }
      }
      mapper.end(out);
      for (const e of out) yield e;
    } finally {
      exchange.close();
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

export const openAIProviderFactory: ProviderFactory<typeof openAIProviderSchema> = {
  type: 'openai',
  schema: openAIProviderSchema,
  create: (config) => new OpenAIProvider(config),
};
