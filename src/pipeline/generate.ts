import { foldBatches, type ChatRequest, type StreamEvent } from '../canonical/index.js';
import { withAdaptedHeader } from '../params/unsupported-policy.js';
import type { ChatProtocol, StreamStart } from '../protocols/contract.js';
import type { ModelEntry } from '../router/router.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';
import { asLinguaError, sendError } from './send.js';
import { startWithInputCount } from './start-with-input-count.js';
import { sendWhole, streamResponse } from './stream-response.js';

/**
 * The serve stage of a generating endpoint: the router's events for the
 * request, streamed, or folded into one response (a non-streaming answer
 * is the folded stream). A failure before the response starts is thrown
 * (the pipeline renders it); after, the stream ends with the protocol's
 * error frame and the failure is kept on the exchange.
 */
export async function generate(ctx: PipelineContext, protocol: ChatProtocol, ex: Exchange, request: ChatRequest, model: ModelEntry): Promise<void> {
  const search = ctx.search.plan(model.name, request);
  const { abort, log } = ex;
  const backend = search.stream((r) => ctx.router.batches(model, r, abort, ex), abort);

  if (!request.stream) {
    // The folded result carries the usage: no observing layer on this path.
    const result = await foldBatches(backend);
    ex.usage = result.usage;
    for (const c of result.choices) ex.outputChars += c.text.length + c.reasoning.length;
    const body = search.annotateResult(protocol.encodeResult(result, request));
    if (protocol.keep !== undefined) await protocol.keep(request, body);
    const text = JSON.stringify(body);
    ex.ttftMs = ex.elapsedMs();
    const headers = withAdaptedHeader({ 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }, ex.adaptations);
    sendWhole(ex, 200, headers, text, ctx.stream.stallMs);
    return;
  }

  let events: AsyncIterator<readonly StreamEvent[]> = backend[Symbol.asyncIterator]();
  let start: StreamStart = {};
  if (protocol.countsInputFirst) {
    ({ start, events } = await startWithInputCount(events, { entry: model, request, signal: abort.signal, logger: log }));
  }
  const encoder = search.annotateStream(protocol.streamEncoder(request, start));
  const failure = await streamResponse(ex, {
    events,
    encoder,
    bounds: ctx.stream,
    toError: (error) => asLinguaError(error, log),
    failEarly: (error) => { sendError(ex.res, protocol, error, request); },
  });
  ex.failure ??= failure;
}
