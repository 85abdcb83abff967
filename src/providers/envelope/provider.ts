import { z } from 'zod';
import { flattenBatches, invalidRequest, WholeAnswer, type EventBatches, type EventStream, type StreamEvent } from '../../canonical/index.js';
import { watchSignal } from '../../lib/abort-source.js';
import type { Provider, ProviderCall, ProviderFactory, ProviderStats } from '../provider.js';
import { bearerUpstream, type BearerUpstream } from '../http/bearer-upstream.js';
import { poolStats, upstreamTimeouts } from '../http/upstream-config.js';
import { parseRetryAfter, parseRetryAfterMs, upstreamStatusError } from '../http/upstream-error.js';
import { UpstreamExchange, type UpstreamResponse } from '../http/upstream-request.js';
import { toOpenAIBody } from '../openai/map-request.js';
import { completionToEvents } from '../openai/map-response.js';
import { openAIBodyOptions, openAIProviderSchema } from '../openai/provider.js';
import { envelopeFailure } from './envelope-failure.js';
import { EnvelopeStreamMapper } from './map-stream.js';
import { unwrapEnvelope } from './unwrap.js';

/** The OpenAI provider's settings (`base_url` up to the version, `https://host/api/v1`; `max_tokens_field`), type `envelope`. */
export const envelopeProviderSchema = openAIProviderSchema.extend({ type: z.literal('envelope') });

export type EnvelopeProviderConfig = z.infer<typeof envelopeProviderSchema>;

/**
 * A server of seed 002's enveloped Chat Completions (Lingua's own
 * `/api/v1/chat/completions` among them): an OpenAI request; a whole answer
 * wrapped as `{success, code, message, data}`, a failure's `code` saying
 * what failed whatever the HTTP status; streams as plain OpenAI SSE.
 */
export class EnvelopeProvider implements Provider {
  readonly name: string;
  /** As OpenAI's API, which it follows: 4 stop sequences, the one that matched not said. */
  readonly stops = { max: 4, reportsMatch: false };
  readonly #config: EnvelopeProviderConfig;
  readonly #upstream: BearerUpstream;

  constructor(config: EnvelopeProviderConfig) {
    this.name = config.name;
    this.#config = config;
    this.#upstream = bearerUpstream(config, 'chat/completions');
  }

  stream(call: ProviderCall): EventStream {
    return flattenBatches(this.batches(call));
  }

  batches(call: ProviderCall): EventBatches {
    return call.request.stream ? this.#stream(call) : new WholeAnswer(() => this.#complete(call));
  }

  async #complete(call: ProviderCall): Promise<StreamEvent[]> {
    const exchange = this.#exchange(call);
    try {
      return completionToEvents(await this.#whole(exchange, await exchange.send()), this.name);
    } catch (error) {
      throw this.#upstream.secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  async *#stream(call: ProviderCall): AsyncGenerator<StreamEvent[]> {
    const exchange = this.#exchange(call);
    try {
      const head = await exchange.send();
      if (isJson(head)) {
        // A JSON answer to a stream request: most often a failure envelope sent with 200.
        yield completionToEvents(await this.#whole(exchange, head), this.name);
        return;
      }
      const mapper = new EnvelopeStreamMapper(this.name, { choices: call.request.n, heldChars: this.#upstream.limits.sseEventChars });
      for await (const { data } of exchange.jsonEvents()) {
        const out: StreamEvent[] = [];
        mapper.push(data, out);
        if (out.length > 0) yield out;
      }
      // Every choice finished, or the stream fails: a cut is never a silent end.
      const out: StreamEvent[] = [];
      mapper.end(out);
      if (out.length > 0) yield out;
    } catch (error) {
      throw this.#upstream.secrets.scrub(error);
    } finally {
      exchange.close();
    }
  }

  /** The completion in a 2xx JSON answer, or the error its failure envelope stands for. */
  async #whole(exchange: UpstreamExchange, head: UpstreamResponse): Promise<unknown> {
    return unwrapEnvelope(await exchange.json(), this.name, head.statusCode, retryAfterOf(head.headers));
  }

  #exchange(call: ProviderCall): UpstreamExchange {
    if (call.request.textCompletion !== undefined) {
      throw invalidRequest("This model's backend (an enveloped Chat Completions API) has no raw text completion: use a chat model for '/v1/completions', or this model with chat completions or messages.", 'model', 'unsupported_model');
    }
    const body = toOpenAIBody(call.request, openAIBodyOptions(this.#config, call));
    return new UpstreamExchange({
      provider: this.name,
      pool: this.#upstream.pool,
      path: this.#upstream.path,
      headers: this.#upstream.headers,
      body: JSON.stringify(body),
      abort: call.abort ?? watchSignal(call.signal),
      stream: call.request.stream,
      ...upstreamTimeouts(this.#config),
      limits: this.#upstream.limits,
      statusError: (status, text, retryAfter) => this.#statusError(status, text, retryAfter),
    });
  }

  /** A non-2xx answer: a failure envelope is read by its code; any other body (a proxy's page) as usual. */
  #statusError(status: number, text: string, retryAfter: number | undefined) {
    let body: unknown;
    try { body = JSON.parse(text); } catch { body = undefined; }
    const envelope = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
    if (envelope !== undefined && (envelope.success === false || ('code' in envelope && 'message' in envelope))) {
      return envelopeFailure(this.name, envelope, status, retryAfter);
    }
    return upstreamStatusError(this.name, status, text, retryAfter);
  }

  stats(): ProviderStats {
    return poolStats(this.#upstream.pool);
  }

  async close(): Promise<void> {
    await this.#upstream.pool.close();
  }
}

/** A JSON answer (`application/json`, `…+json`); anything else is read as SSE. */
function isJson(head: UpstreamResponse): boolean {
  const type = head.headers['content-type'];
  return (Array.isArray(type) ? type[0] : type)?.toLowerCase().includes('json') ?? false;
}

function retryAfterOf(headers: UpstreamResponse['headers']): number | undefined {
  return parseRetryAfterMs(headers['retry-after-ms']) ?? parseRetryAfter(headers['retry-after']);
}

export const envelopeProviderFactory: ProviderFactory<typeof envelopeProviderSchema> = {
  type: 'envelope',
  schema: envelopeProviderSchema,
  create: (config) => new EnvelopeProvider(config),
};
