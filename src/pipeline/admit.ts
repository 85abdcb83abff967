import { LinguaError, type ChatRequest } from '../canonical/index.js';
import { randomId } from '../lib/ids.js';
import { estimateInputTokens } from '../lib/estimate-tokens.js';
import type { BudgetOutcome } from '../limits/budget-store.js';
import type { Admission, LimitScope, ScopeState } from '../limits/limiter.js';
import { mostConstraining, retryAfterSeconds } from '../limits/most-constraining.js';
import type { ChatProtocol, RateLimitReport } from '../protocols/contract.js';
import { toUsd } from '../pricing/pricing.js';
import type { ModelEntry } from '../router/router.js';
import type { PipelineContext } from './context.js';
import type { Exchange } from './exchange.js';

/** What a budget reserves for a request that names no `max_tokens` on a model with no `max_output_tokens`. */
export const DEFAULT_RESERVED_OUTPUT_TOKENS = 4096;

/**
 * Stage 3: the request's rate limits (its key's, its account's, the key's
 * on this model) and its budgets. Limits admit the request or refuse it
 * (429 with `retry-after`), atomically over all scopes; the standing of the
 * most constraining one goes out in the protocol's rate-limit headers
 * before the first byte. Then the worst-case cost (input estimate plus the
 * most output tokens, at the model's prices) is reserved against every
 * budget; an exhausted budget is refused before any backend is called
 * (429 `insufficient_quota`, naming the budget and when it resets). What
 * is held is let go by `settle`, on every path.
 */
export function admit(ctx: PipelineContext, protocol: ChatProtocol, ex: Exchange, request: ChatRequest, model: ModelEntry): Promise<void> | undefined {
  if (unlimited(ex, model)) return undefined;
  return admitTokens(ctx, protocol, ex, model, estimateInputTokens(request), request.maxTokens ?? model.maxOutputTokens ?? DEFAULT_RESERVED_OUTPUT_TOKENS);
}

/** No limit and no budget applies to the caller on this model: nothing to estimate or hold. */
export function unlimited(ex: Exchange, model: ModelEntry): boolean {
  const caller = ex.caller!;
  return caller.limits.length === 0 && caller.budgets.length === 0 && (model.limits === undefined || caller.keyId === undefined);
}

/** `admit` for a request of `input` estimated input tokens and at most `output` output tokens (an embedding: none). */
export async function admitTokens(ctx: PipelineContext, protocol: ChatProtocol, ex: Exchange, model: ModelEntry, input: number, output: number): Promise<void> {
  const caller = ex.caller!;
  const scopes = model.limits === undefined || caller.keyId === undefined ? caller.limits : [...caller.limits, modelScope(caller.keyId, model)];
  const { budgets } = caller;
  if (scopes.length === 0 && budgets.length === 0) return;

  // Started together: on Redis they share one auto-pipelined connection, so both go out in one round trip.
  const [admission, outcome] = await Promise.all([
    scopes.length === 0 ? undefined : ctx.limiter.admit(scopes, { estimatedTokens: input + output }),
    // An id of its own: a caller's x-request-id may repeat, and must not share a reservation.
    budgets.length === 0 ? undefined : ctx.budgets.reserve(budgets, model.pricing?.worstCase(input, output) ?? 0, { requestId: randomId('rsv_') }),
  ]);
  if (admission !== undefined) {
    const headers = protocol.rateLimitHeaders?.(report(admission.scopes), Date.now());
    if (headers !== undefined) for (const name in headers) ex.res.setHeader(name, headers[name]!);
  }
  // Whatever was granted is held until settle, which lets it go if the other refused.
  if (admission?.ok) ex.lease = admission.lease;
  if (outcome?.ok) ex.reservation = outcome.reservation;
  if (admission !== undefined && !admission.ok) throw limitRefusal(admission);
  if (outcome !== undefined && !outcome.ok) {
    // Never served: the request counts against no rate limit.
    await ex.lease?.cancel();
    ex.lease = undefined;
    throw budgetRefusal(outcome, model.pricing?.worstCase(input, output) ?? 0);
  }
}

function modelScope(keyId: string, model: ModelEntry): LimitScope {
  const l = model.limits!;
  return {
    id: `key:${keyId}:model:${model.name}`,
    ...(l.rpm === undefined ? {} : { rpm: l.rpm }),
    ...(l.tpm === undefined ? {} : { tpm: l.tpm }),
    ...(l.maxConcurrency === undefined ? {} : { maxConcurrency: l.maxConcurrency }),
  };
}

/** The most constraining request and token standings over the scopes. */
function report(scopes: readonly ScopeState[]): RateLimitReport {
  const out: RateLimitReport = {};
  const requests = mostConstraining(scopes, 'requests');
  const tokens = mostConstraining(scopes, 'tokens');
  // Set, not spread: spreading two small objects per request cost ~1% of its CPU.
  if (requests !== undefined) out.requests = requests;
  if (tokens !== undefined) out.tokens = tokens;
  return out;
}

const limitNames = { rpm: 'requests per minute', tpm: 'tokens per minute', concurrency: 'concurrent requests' } as const;

function limitRefusal(refusal: Extract<Admission, { ok: false }>): LinguaError {
  const whose = scopeName(refusal.scope);
  const seconds = retryAfterSeconds(refusal.retryAfterMs);
  const message = refusal.exceedsLimit
    ? `This request alone is over ${whose} limit of ${limitNames[refusal.limit]}: make it smaller (fewer input tokens or a lower max_tokens).`
    : `Rate limit reached: ${whose} limit of ${limitNames[refusal.limit]}. Try again in ${seconds} s.`;
  return new LinguaError('rate_limit', message, { code: refusal.exceedsLimit ? 'request_too_large_for_limit' : 'rate_limit_exceeded', ...(refusal.exceedsLimit ? {} : { retryAfter: seconds }) });
}

function budgetRefusal(refusal: Extract<BudgetOutcome, { ok: false }>, amount: number): LinguaError {
  const whose = scopeName(refusal.scope);
  const left = Math.max(0, refusal.limit - refusal.spent - refusal.reserved);
  const resets = refusal.resetsAt === null ? 'It does not reset.' : `It resets at ${new Date(refusal.resetsAt).toISOString()}.`;
  const message = `You exceeded your budget: ${whose} ${periodNames[refusal.period]} budget of $${usd(refusal.limit)} has $${usd(left)} left, and this request may cost up to $${usd(amount)}. ${resets}`;
  return new LinguaError('rate_limit', message, {
    code: 'insufficient_quota',
    ...(refusal.resetsAt === null ? {} : { retryAfter: Math.max(1, Math.ceil((refusal.resetsAt - Date.now()) / 1000)) }),
  });
}

const periodNames = { day: 'daily', week: 'weekly', month: 'monthly', none: 'total' } as const;

function scopeName(scope: string): string {
  if (scope.startsWith('acct:')) return `the account's (${scope.slice(5)})`;
  const model = scope.indexOf(':model:');
  if (model !== -1) return `this key's per-model (${scope.slice(model + 7)})`;
  return "this key's";
}

function usd(nano: number): string {
  return toUsd(nano).toFixed(6).replace(/0{1,4}$/, '');
}
