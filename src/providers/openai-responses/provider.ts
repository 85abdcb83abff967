import type { Pool } from 'undici';
import { z } from 'zod';
import { flattenBatches, LinguaError, type ChatRequest, type EventBatches, type EventStream, type StreamEvent } from '../../canonical/index.js';
import { watchSignal, type AbortWatch } from '../../lib/abort-source.js';
import type { ServerSentEvent } from '../../lib/sse-decoder.js';
import type { Provider, ProviderCall, ProviderFactory, ProviderStats } from '../provider.js';
import { poolStats, upstreamFields, upstreamLimits, upstreamPool, type UpstreamLimits } from '../http/upstream-config.js';
import { UpstreamExchange } from '../http/upstream-request.js';
import { UpstreamSecrets } from '../http/upstream-secrets.js';
import { toCountBody } from './count-body.js';
import { toResponsesBody } from './map-request.js';
import { responseToEvents } from './map-response.js';
import { ResponsesStreamMapper } from './map-stream.js';
import { sameProtocolBody, sameProtocolRequest } from './same-protocol-body.js';

export const openAIResponsesProviderSchema = z.object({
  name: z.string().min(1),
  type: z.literal('openai-responses'),
  /** `timeout_s` (until the response headers: every call streams) defaults to 90 s, as for `openai`. */
  ...upstreamFields(90),
  /**
   * Ask for `reasoning.encrypted_content` (`include`), so that a client's
   * next turn gives a reasoning model its reasoning back. Off by default:
   * OpenAI refuses it on models that do not reason.
   */
  encrypted_reasoning: z.boolean().default(false),
  /** false: the upstream has no `/responses/input_tokens`; token counts are then estimated by the caller. */
  count_tokens: z.boolean().default(true),
});

export type OpenAIResponsesProviderConfig = z.infer<typeof openAIResponsesProviderSchema>;

/**
 * Any server that speaks the OpenAI Responses API (`POST {base_url}/responses`):
 * OpenAI, vLLM. Every call streams upstream (`stream: true`, `store: false`);
 * a client that did not ask to stream gets the folded stream.
 */
export class OpenAIResponsesProvider implements Provider {
  readonly name: string;
  /** The Responses API takes no stop sequences: the router matches a client's on the stream (src/router/stop-matching.ts). */
  readonly stops = { max: 0, reportsMatch: false };
  /** One answer per call: `n` > 1 is n calls, where the router fans out (src/router/fan-out.ts); else a 400 (map-request.ts). */
  readonly choicesPerCall = 1;
  /** A Responses client's body is sent as it came (same-protocol-body.ts). */
  readonly passthrough = 'responses' as const;
  readonly #config: OpenAIResponsesProviderConfig;
  readonly #pool: Pool;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #secrets: UpstreamSecrets;
  readonly #limits: UpstreamLimits;

  constructor(config: OpenAIResponsesProviderConfig) {
    this.name = config.name;
    this.#config = config;
    ({ pool: this.#pool, path: this.#path } = upstreamPool(config.base_url, config.max_connections, 'responses', config.connect_timeout_s));
    this.#headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...config.headers };
    if (config.api_key) this.#headers.authorization = `Bearer ${config.api_key}`;
    this.#secrets = new UpstreamSecrets(this.#headers);
    this.#limits = upstreamLimits(config);
  }

  stream(call: ProviderCall): EventStream {
    return flattenBatches(this.batches(call));
  }

  /** The events of each upstream read together. */
  async *batches(call: ProviderCall): EventBatches {
    // A Responses client's own body, when the request still holds it (same-protocol-body.ts); else translated.
    const same = sameProtocolRequest(call.request);
    const body = same === undefined
      ? toResponsesBody(call.request, { model: call.model, encryptedReasoning: this.#config.encrypted_reasoning, adaptations: call.adaptations })
      : sameProtocolBody(same, call.model, this.#config.encrypted_reasoning);
    const exchange = this.#exchange(this.#path, body, call.abort ?? watchSignal(call.signal), true);
    try {
      const response = await exchange.send();
      // A server that does not stream may answer with the whole response.
      if (String(response.headers['content-type'] ?? '').includes('application/json')) {
        yield responseToEvents(this.name, await exchange.json(), same !== undefined);
        return;
      }
      const mapper = new ResponsesStreamMapper(this.name, same !== undefined);
      for await (const group of exchange.eventGroups()) {
        const out: StreamEvent[] = [];
        const step = mapGroup(group, mapper, out, this.name);
        if (step === 'done') await exchange.settle();
        if (out.length > 0) yield out;
        if (step === 'done') return;
        if (step !== 'more') throw step.error;
      }
      mapper.end();
    } catch (error) {
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  /**
   * The upstream's own count (`POST {base_url}/responses/input_tokens`, as
   * OpenAI has it); undefined when it has no such endpoint (404/405: vLLM),
   * or with `count_tokens: false`.
   */
  async countTokens(request: ChatRequest, model: string, signal: AbortSignal): Promise<number | undefined> {
    if (!this.#config.count_tokens) return undefined;
    const exchange = this.#exchange(`${this.#path}/input_tokens`, toCountBody(request, model), watchSignal(signal), false);
    try {
      const answer = await exchange.json() as { input_tokens?: unknown } | null;
      if (typeof answer?.input_tokens !== 'number') {
        throw new LinguaError('upstream', `upstream provider '${this.name}' answered input_tokens without input_tokens`);
      }
      return answer.input_tokens;
    } catch (error) {
      if (error instanceof LinguaError && (error.status === 404 || error.status === 405)) return undefined;
      throw this.#secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  #exchange(path: string, body: Record<string, unknown>, abort: AbortWatch, stream: boolean): UpstreamExchange {
    return new UpstreamExchange({
      provider: this.name,
      pool: this.#pool,
      path,
      headers: this.#headers,
      body: JSON.stringify(body),
      abort,
      stream,
      timeoutS: this.#config.timeout_s,
      idleTimeoutS: this.#config.stream_idle_timeout_s,
      connectTimeoutS: this.#config.connect_timeout_s,
      totalTimeoutS: this.#config.total_timeout_s,
      limits: this.#limits,
    });
  }

  stats(): ProviderStats {
    return poolStats(this.#pool);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/**
 * Maps one body chunk's SSE events into `out`, up to the response's end. A
 * failure is returned, not thrown, so that the events mapped before it
 * still go out first.
 */
function mapGroup(group: readonly ServerSentEvent[], mapper: ResponsesStreamMapper, out: StreamEvent[], provider: string): 'more' | 'done' | { error: unknown } {
  for (const sse of group) {
    const mapped = out.length;
    try {
      // Some servers end with `[DONE]` as chat streams do; the response's own end came before it.
      if (sse.data === '[DONE]') continue;
      let data: unknown;
      try { data = JSON.parse(sse.data); } catch { data = undefined; }
      if (typeof data !== 'object' || data === null) {
        throw new LinguaError('upstream', `upstream provider '${provider}' sent a stream event that is not a JSON object`);
      }
      const event = data as Record<string, unknown>;
      event.type ??= sse.event;
      if (mapper.push(event, out)) return 'done';
    } catch (error) {
      out.length = mapped; // the failing event's own events never went out
      return { error };
    }
  }
  return 'more';
}

export const openAIResponsesProviderFactory: ProviderFactory<typeof openAIResponsesProviderSchema> = {
  type: 'openai-responses',
  schema: openAIResponsesProviderSchema,
  create: (config) => new OpenAIResponsesProvider(config),
};
