import type { Usage } from '../canonical/index.js';
import { estimateInputTokens } from '../lib/estimate-tokens.js';
import type { UsageRecord } from '../storage/index.js';
import type { PipelineContext } from './context.js';
import { estimateEmbedTokens } from './embed.js';
import type { Exchange } from './exchange.js';

/**
 * The last stage of a generating or embedding request, on every path (refusals, client
 * aborts and failures included): releases its rate-limit lease with the
 * real token count, settles its budget reservation with the real cost
 * (what a failed or aborted call used, maybe nothing), and hands its one
 * usage record to the ledger. Nothing here waits for the database or Redis.
 */
export function settle(ctx: PipelineContext, ex: Exchange): void {
  const { usage, estimated } = finalUsage(ex);
  const pricing = ex.model?.pricing;
  const cost = pricing === undefined ? 0 : pricing.cost(usage);
  const { lease, reservation } = ex;
  if (lease !== undefined) lease.release({ tokens: usage.inputTokens + usage.outputTokens }).catch((error: unknown) => ex.log.warn({ err: error, reqId: ex.requestId }, 'limits: a lease was not released (it lapses by itself)'));
  if (reservation !== undefined) reservation.settle(cost).catch((error: unknown) => ex.log.error({ err: error, reqId: ex.requestId }, 'budgets: a reservation was not settled (it lapses by itself)'));

  const request = ex.request;
  const target = ex.target;
  const record: UsageRecord = {
    requestId: ex.requestId,
    ts: ex.time,
    accountId: ex.caller?.accountId ?? null,
    keyId: ex.caller?.keyId ?? null,
    // A configured name only: a caller's unknown model name (a 404) must not become a rollup key.
    model: ex.model?.name ?? null,
    provider: target?.provider.name ?? null,
    upstreamModel: target?.upstreamModel ?? null,
    protocol: ex.endpoint.protocol.name,
    endpoint: ex.endpoint.path,
    stream: request?.stream ?? false,
    status: ex.status,
    errorKind: ex.clientClosed ? 'client_closed' : ex.failure?.kind ?? null,
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.reasoningTokens ?? 0,
    estimated,
    cost,
    unpriced: ex.model !== undefined && pricing === undefined,
    latencyMs: Math.round(ex.elapsedMs()),
    ttftMs: ex.ttftMs === undefined ? null : Math.round(ex.ttftMs),
    attempts: ex.attempts,
    user: request?.user ?? ex.embed?.user ?? null,
  };
  ex.usage = usage;
  ex.usageEstimated = estimated;
  ex.cost = cost;
  ctx.ledger.record(record);
}

/**
 * The backend's usage when it reported one; else, for a call that reached
 * a backend (an abort, a failure mid-stream), Lingua's estimate of what was
 * sent and generated so far, marked as one; else nothing.
 */
function finalUsage(ex: Exchange): { usage: Usage; estimated: boolean } {
  if (ex.usage !== undefined) return { usage: ex.usage, estimated: false };
  if (ex.attempts > 0 && ex.embed !== undefined) return { usage: { inputTokens: estimateEmbedTokens(ex.embed), outputTokens: 0 }, estimated: true };
  if (ex.attempts === 0 || ex.request === undefined) return { usage: { inputTokens: 0, outputTokens: 0 }, estimated: false };
  return {
    usage: { inputTokens: estimateInputTokens(ex.request), outputTokens: Math.ceil(ex.outputChars / 4) },
    estimated: true,
  };
}
