import type { Pool } from 'undici';
import { z } from 'zod';
import { LinguaError, type ChatRequest, type StreamEvent } from '../../canonical/index.js';
import { watchSignal } from '../../lib/abort-source.js';
import type { Provider, ProviderCall, ProviderFactory, ProviderStats } from '../provider.js';
import { poolStats, upstreamFields, upstreamLimits, upstreamPool, type UpstreamLimits } from '../http/upstream-config.js';
import { UpstreamExchange } from '../http/upstream-request.js';
import { UpstreamSecrets } from '../http/upstream-secrets.js';
import { ParamAdaptations } from '../../params/unsupported-policy.js';
import { toAnthropicBody } from './map-request.js';
import { messageToEvents } from './map-response.js';
import { AnthropicStreamMapper } from './map-stream.js';

export const anthropicProviderSchema = z.object({
  name: z.string().min(1),
  type: z.literal('anthropic'),
  /** `api_key` is sent as `x-api-key`; `timeout_s` defaults to 10 minutes, as the official SDKs wait. */
  ...upstreamFields(600),
  anthropic_version: z.string().min(1).default('2023-06-01'),
  /** `max_tokens` sent when the client gave none (Anthropic requires one). */
  default_max_tokens: z.int().positive().default(4096),
  /** false: never ask the upstream to stream (seed 001's upstream cannot); streaming clients still get a stream. */
  upstream_streaming: z.boolean().default(true),
  /** false: the upstream has no `/messages/count_tokens`; token counts are then estimated by the caller. */
  count_tokens: z.boolean().default(true),
  /** true: the upstream takes `output_config.format` (Anthropic's structured outputs), used for a `json_schema` response_format instead of a forced tool, so that it combines with thinking. */
  structured_outputs: z.boolean().default(false),
});

export type AnthropicProviderConfig = z.infer<typeof anthropicProviderSchema>;

/** Any server that speaks Anthropic Messages: Anthropic itself, Ling-1T (seed 001), other compatible gateways. */
export class AnthropicProvider implements Provider {
  readonly name: string;
  /** `message_start` (or the whole message) reports the input tokens: a stream needs no count first. */
  readonly opensWithInputTokens = true;
  /** The Messages API makes one choice per call: `n` > 1 is n calls (src/router/fan-out.ts). */
  readonly choicesPerCall = 1;
  /** An Anthropic client's body is sent as it came (map-request.ts). */
  readonly passthrough = 'anthropic' as const;
  readonly #config: AnthropicProviderConfig;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #secrets: UpstreamSecrets;
  readonly #limits: UpstreamLimits;

  constructor(config: AnthropicProviderConfig) {
    this.name = config.name;
    this.#config = config;
    ({ pool: this.#pool, path: this.#path } = upstreamPool(config.base_url, config.max_connections, 'messages', config.connect_timeout_s));
    this.#headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'anthropic-version': config.anthropic_version,
      ...config.headers,
    };
    if (config.api_key) this.#headers['x-api-key'] = config.api_key;
    this.#secrets = new UpstreamSecrets(this.#headers);
    this.#limits = upstreamLimits(config);
  }

  async *stream(call: ProviderCall): AsyncGenerator<StreamEvent> {
    const streaming = call.request.stream && this.#config.upstream_streaming;
    const { body, jsonTool } = toAnthropicBody(call.request, { model: call.model, defaultMaxTokens: this.#config.default_max_tokens, stream: streaming, adaptations: call.adaptations, structuredOutputs: this.#config.structured_outputs });
    const exchange = this.#exchange(this.#path, JSON.stringify(body), call.signal, streaming, call.request.passthrough?.beta);
    try {
      const response = await exchange.send();
      // An upstream that cannot stream may answer a streaming request with the whole message.
      const contentType = String(response.headers['content-type'] ?? '');
      if (!streaming || contentType.includes('application/json')) {
        yield* messageToEvents(await exchange.json(), this.name, jsonTool);
        return;
      }
      const mapper = new AnthropicStreamMapper(this.name, jsonTool, this.#limits.sseEventChars);
      const out: StreamEvent[] = [];
      for await (const { event, data } of exchange.jsonEvents()) {
        data.type ??= event;
        mapper.push(data, out);
        if (out.length > 0) {
          yield* out;
          out.length = 0;
        }
      }
      mapper.end(out);
      yield* out;
    } catch (error) {
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  /**
   * The upstream's own count (`POST {base_url}/messages/count_tokens`);
   * undefined when it has no such endpoint (404/405, or `count_tokens: false`).
   */
  async countTokens(request: ChatRequest, model: string, signal: AbortSignal): Promise<number | undefined> {
    if (!this.#config.count_tokens) return undefined;
    // Sampling hints do not change a count: the call itself applies the model's policy.
    const { body } = toAnthropicBody({ ...request, stream: false }, { model, defaultMaxTokens: this.#config.default_max_tokens, stream: false, adaptations: new ParamAdaptations('adapt'), structuredOutputs: this.#config.structured_outputs });
    const counted: Record<string, unknown> = {};
    // The fields Anthropic's count_tokens takes (its API reference); an Anthropic client's own ones among them as it sent them.
    for (const key of ['model', 'system', 'messages', 'tools', 'tool_choice', 'thinking', 'output_config', 'context_management', 'mcp_servers']) {
      if (body[key] !== undefined) counted[key] = body[key];
    }
    const exchange = this.#exchange(`${this.#path}/count_tokens`, JSON.stringify(counted), signal, false);
    try {
      await exchange.send();
      const answer = await exchange.json() as { input_tokens?: unknown } | null;
      if (typeof answer?.input_tokens !== 'number') {
        throw new LinguaError('upstream', `upstream provider '${this.name}' answered count_tokens without input_tokens`);
      }
      return answer.input_tokens;
    } catch (error) {
      if (error instanceof LinguaError && (error.status === 404 || error.status === 405)) return undefined;
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  stats(): ProviderStats {
    return poolStats(this.#pool);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  /** `beta`: an Anthropic client's `anthropic-beta`, after the operator's own (`headers`), as one list. */
  #exchange(path: string, body: string, signal: AbortSignal, stream: boolean, beta?: string): UpstreamExchange {
    const configured = this.#headers['anthropic-beta'];
    const headers = beta === undefined ? this.#headers : { ...this.#headers, 'anthropic-beta': configured === undefined ? beta : `${configured},${beta}` };
    return new UpstreamExchange({
      provider: this.name,
      pool: this.#pool,
      path,
      headers,
      body,
      abort: watchSignal(signal),
      stream,
      timeoutS: this.#config.timeout_s,
      idleTimeoutS: this.#config.stream_idle_timeout_s,
      connectTimeoutS: this.#config.connect_timeout_s,
      totalTimeoutS: this.#config.total_timeout_s,
      limits: this.#limits,
    });
  }
}

export const anthropicProviderFactory: ProviderFactory<typeof anthropicProviderSchema> = {
  type: 'anthropic',
  schema: anthropicProviderSchema,
  create: (config) => new AnthropicProvider(config),
};
