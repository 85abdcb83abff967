import type { IncomingMessage, ServerResponse } from 'node:http';
import { foldBatches, type LinguaError, type StreamEvent, type Usage } from '../canonical/index.js';
import { AbortSource } from '../lib/abort-source.js';
import { logsInfo, type Logger } from '../lib/logger.js';
import { asLinguaError } from '../router/router.js';
import type { ChatProtocol, StreamStart } from './chat-protocol.js';
import { countInputTokens } from './count-input-tokens.js';
import type { ServerContext } from './context.js';
import { sendError } from './protocol-errors.js';
import { startWithInputCount } from './start-with-input-count.js';
import { streamResponse } from './stream-response.js';

/** One chat call as the listener hands it over: the body is already parsed. */
export interface ChatExchange {
  req: IncomingMessage;
  res: ServerResponse;
  body: unknown;
  /** The request's id: in its response header and its log line. */
  requestId: string;
  log: Logger;
}

/**
 * The one request pipeline every chat protocol shares:
 * authenticate → decode → route → provider events → encode (stream or folded).
 * Errors before the response starts are thrown (the caller renders them).
 */
export async function handleChat(protocol: ChatProtocol, ctx: ServerContext, { req, res, body, requestId, log }: ChatExchange): Promise<void> {
  const started = performance.now();
  const key = ctx.keys.authenticate(protocol.apiKey(req.headers));
  const request = protocol.decode(body);
  const model = ctx.router.resolve(request.model);
  ctx.paramRanges.check(model.name, request);
  const search = ctx.search.plan(model.name, request);

  const abort = new AbortSource();
  // Left on: once the response is finished, its 'close' aborts nothing.
  res.on('close', () => { if (!res.writableFinished) abort.abort(); });
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
        const text = JSON.stringify(search.annotateResult(protocol.encodeResult(result, request)));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      } catch (error) {
        failure = asLinguaError(error, log);
        throw failure;
      }
      return;
    }
    let events: AsyncIterator<readonly StreamEvent[]> = backend[Symbol.asyncIterator]();
    const start: StreamStart = {};
    if (protocol.countsInputFirst) {
      const counting = countInputTokens({ entry: model, request, signal: abort.signal, logger: log, fallback: true });
      ({ inputTokens: start.inputTokens, events } = await startWithInputCount(events, counting.then((c) => c.inputTokens)));
    }
    const encoder = search.annotateStream(protocol.streamEncoder(request, start));
    failure = await streamResponse({
      raw: res,
      events,
      encoder,
      onUsage: (u) => { usage = u; },
      heartbeatMs: ctx.heartbeatMs,
      toError: (error) => asLinguaError(error, log),
      failEarly: (error) => { sendError(res, protocol, error); },
    });
  } finally {
    ctx.inflight.delete(abort);
    if (logsInfo(log)) log.info({
      reqId: requestId,
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
