import type { FastifyReply, FastifyRequest } from 'fastify';
import { foldBatches, type LinguaError, type StreamEvent, type Usage } from '../canonical/index.js';
import { AbortSource } from '../lib/abort-source.js';
import { asLinguaError } from '../router/router.js';
import type { ChatProtocol, StreamStart } from './chat-protocol.js';
import { countInputTokens } from './count-input-tokens.js';
import type { ServerContext } from './context.js';
import { startWithInputCount } from './start-with-input-count.js';
import { streamResponse } from './stream-response.js';

/**
 * The one request pipeline every chat protocol shares:
 * authenticate → decode → route → provider events → encode (stream or folded).
 */
export async function handleChat(protocol: ChatProtocol, ctx: ServerContext, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const started = performance.now();
  const key = ctx.keys.authenticate(protocol.apiKey(req.headers));
  const request = protocol.decode(req.body);
  const model = ctx.router.resolve(request.model);
  ctx.paramRanges.check(model.name, request);
  const search = ctx.search.plan(model.name, request);

  const abort = new AbortSource();
  const onClose = () => { if (!reply.raw.writableFinished) abort.abort(); };
  reply.raw.once('close', onClose);
  ctx.inflight.add(abort);

  let usage: Usage | undefined;
  const backend = search.stream((r) => ctx.router.batches(model, r, abort), abort);
  let failure: LinguaError | undefined;
  try {
    if (!request.stream) {
      try {
        // The folded result carries the usage: no observing layer on this path.
        const result = await foldBatches(backend);
        usage = result.usage;
        reply.header('content-type', 'application/json; charset=utf-8');
        await reply.send(JSON.stringify(search.annotateResult(protocol.encodeResult(result, request))));
      } catch (error) {
        failure = asLinguaError(error, req.log);
        throw failure;
      }
      return;
    }
    reply.hijack();
    let events: AsyncIterator<readonly StreamEvent[]> = backend[Symbol.asyncIterator]();
    const start: StreamStart = {};
    if (protocol.countsInputFirst) {
      const counting = countInputTokens({ entry: model, request, signal: abort.signal, logger: req.log, fallback: true });
      ({ inputTokens: start.inputTokens, events } = await startWithInputCount(events, counting.then((c) => c.inputTokens)));
    }
    const encoder = search.annotateStream(protocol.streamEncoder(request, start));
    failure = await streamResponse({
      raw: reply.raw,
      events,
      encoder,
      onUsage: (u) => { usage = u; },
      heartbeatMs: ctx.heartbeatMs,
      toError: (error) => asLinguaError(error, req.log),
      failEarly: (error) => {
        const rendered = protocol.renderError(error);
        reply.raw.writeHead(rendered.status, { ...rendered.headers, 'content-type': 'application/json; charset=utf-8' });
        reply.raw.end(JSON.stringify(rendered.body));
      },
    });
  } finally {
    ctx.inflight.delete(abort);
    reply.raw.off('close', onClose);
    req.log.info({
      key: key.name,
      model: request.model,
      stream: request.stream,
      status: failure?.status ?? 200,
      ...(failure === undefined ? {} : { error: failure.message }),
      input_tokens: usage?.inputTokens,
      output_tokens: usage?.outputTokens,
      ms: Math.round(performance.now() - started),
    }, 'chat');
  }
}
