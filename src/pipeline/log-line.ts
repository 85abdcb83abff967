import { logsInfo } from '../lib/logger.js';
import type { Exchange } from './exchange.js';

/** The last stage of every request: its one log line, whatever the outcome. */
export function logLine(ex: Exchange): void {
  const { log } = ex;
  if (!logsInfo(log)) return;
  const failure = ex.failure;
  const usage = ex.usage;
  log.info({
    reqId: ex.requestId,
    endpoint: ex.endpoint.name,
    key: ex.caller?.keyId,
    model: ex.request?.model ?? ex.embed?.model ?? ex.model?.name,
    provider: ex.target?.provider.name,
    upstream_model: ex.target?.upstreamModel,
    attempts: ex.attempts === 0 ? undefined : ex.attempts,
    adapted: ex.adaptations?.summary(),
    stream: ex.request?.stream,
    status: ex.status,
    ...(failure === undefined ? {} : { error: failure.message }),
    input_tokens: usage?.inputTokens,
    output_tokens: usage?.outputTokens,
    ...(ex.usageEstimated ? { tokens_estimated: true } : {}),
    ttft_ms: ex.ttftMs === undefined ? undefined : Math.round(ex.ttftMs),
    ms: Math.round(ex.elapsedMs()),
  }, 'request');
}
