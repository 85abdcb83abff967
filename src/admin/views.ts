import type { BudgetStatus } from '../limits/index.js';
import { toUsd } from '../pricing/pricing.js';
import type { Account, ApiKey, Limits, Metadata, StoredUsageRecord, SummaryGroup, SummaryRow } from '../storage/index.js';
import { rfc3339 } from './times.js';

/**
 * The admin API's objects, built field by field from the stored ones:
 * USD instead of nano-USD, RFC 3339 instead of ms, and never a secret or
 * its hash (a key's secret is added to the answer of create and rotate only).
 */

export interface LimitsView {
  rpm: number | null;
  tpm: number | null;
  max_concurrency: number | null;
  budget_usd: number | null;
  budget_period: Limits['budgetPeriod'];
  /** Settled spend in the current period (null without a budget). */
  budget_used_usd: number | null;
  /** Held by requests in flight. */
  budget_reserved_usd: number | null;
  budget_left_usd: number | null;
  /** When the current period ends; null without a budget or for period `none`. */
  budget_resets_at: string | null;
  metadata: Metadata | null;
}

export interface AccountView extends LimitsView {
  object: 'account';
  id: string;
  name: string;
  email: string | null;
  status: Account['status'];
  created_at: string;
  updated_at: string;
  /** The latest use of any of its keys. */
  last_used_at: string | null;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface KeyView extends LimitsView {
  object: 'key';
  id: string;
  /** A non-secret prefix of the key, for lists. */
  start: string;
  name: string;
  account_id: string | null;
  status: KeyStatus;
  models: string[];
  expires_at: string | null;
  revoked_at: string | null;
  /** Until when the secret before the last rotation still works (null: it does not). */
  previous_key_expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
}

/** What create and rotate answer: the key's view and, this once, its secret. */
export interface KeyWithSecret extends KeyView {
  key: string;
}

export interface UsageRowView {
  /** The key id, account id or model (null: requests without one), or the RFC 3339 start of the day or hour. */
  group: string | null;
  requests: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  errors: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  ttft_p50_ms: number | null;
  /** Requests for models without pricing: their cost is counted as 0. */
  unpriced: number;
}

export interface UsageReport {
  object: 'usage';
  group_by: SummaryGroup;
  /** The range read: the one asked for, widened to whole UTC hours. */
  from: string;
  to: string;
  data: UsageRowView[];
  /** Requests for models without pricing, over every row. */
  unpriced: number;
  /** Said when `unpriced` is not 0. */
  notice: string | null;
}

export interface RequestView {
  request_id: string;
  created_at: string;
  account_id: string | null;
  key_id: string | null;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  protocol: string;
  endpoint: string;
  stream: boolean;
  status: number;
  error_kind: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** The token figures are Lingua's estimate (e.g. a stream aborted before the backend reported usage). */
  estimated: boolean;
  cost_usd: number;
  unpriced: boolean;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  user: string | null;
}

export interface ListView<T> {
  object: 'list';
  data: T[];
}

export interface RequestsPageView extends ListView<RequestView> {
  has_more: boolean;
  /** Pass as `cursor` for the next (older) page; null on the last. */
  next_cursor: string | null;
}

const usd = (nano: number | null): number | null => (nano === null ? null : toUsd(nano));

function limitsView(l: Limits, budget: BudgetStatus | undefined): LimitsView {
  return {
    rpm: l.rpm,
    tpm: l.tpm,
    max_concurrency: l.maxConcurrency,
    budget_usd: usd(l.budget),
    // A budget without a period is a monthly one (as the limits read it).
    budget_period: l.budgetPeriod ?? (l.budget === null ? null : 'month'),
    budget_used_usd: budget === undefined ? null : toUsd(budget.spent),
    budget_reserved_usd: budget === undefined ? null : toUsd(budget.reserved),
    budget_left_usd: budget === undefined ? null : toUsd(budget.remaining),
    budget_resets_at: budget === undefined ? null : rfc3339(budget.resetsAt),
    metadata: l.metadata,
  };
}

export function accountView(a: Account, budget: BudgetStatus | undefined, lastUsedAt: number | null): AccountView {
  return {
    object: 'account',
    id: a.id,
    name: a.name,
    email: a.email,
    status: a.status,
    ...limitsView(a, budget),
    created_at: rfc3339(a.createdAt)!,
    updated_at: rfc3339(a.updatedAt)!,
    last_used_at: rfc3339(lastUsedAt),
  };
}

export function keyStatus(k: ApiKey, now: number): KeyStatus {
  if (k.revokedAt !== null) return 'revoked';
  return k.expiresAt !== null && now >= k.expiresAt ? 'expired' : 'active';
}

export function keyView(k: ApiKey, budget: BudgetStatus | undefined, now: number): KeyView {
  const graceLeft = k.previousHash !== null && k.previousExpiresAt !== null && k.previousExpiresAt > now;
  return {
    object: 'key',
    id: k.id,
    start: k.start,
    name: k.name,
    account_id: k.accountId,
    status: keyStatus(k, now),
    models: k.models,
    ...limitsView(k, budget),
    expires_at: rfc3339(k.expiresAt),
    revoked_at: rfc3339(k.revokedAt),
    previous_key_expires_at: graceLeft ? rfc3339(k.previousExpiresAt) : null,
    created_at: rfc3339(k.createdAt)!,
    updated_at: rfc3339(k.updatedAt)!,
    last_used_at: rfc3339(k.lastUsedAt),
  };
}

export function usageRowView(r: SummaryRow, by: SummaryGroup): UsageRowView {
  const timeGroup = by === 'day' || by === 'hour';
  return {
    group: r.group === null ? null : timeGroup ? rfc3339(Number(r.group)) : String(r.group),
    requests: r.requests,
    input_tokens: r.input_tokens,
    cached_input_tokens: r.cached_input_tokens,
    output_tokens: r.output_tokens,
    reasoning_tokens: r.reasoning_tokens,
    cost_usd: toUsd(r.cost),
    errors: r.errors,
    latency_p50_ms: r.latency_p50_ms,
    latency_p95_ms: r.latency_p95_ms,
    ttft_p50_ms: r.ttft_p50_ms,
    unpriced: r.unpriced,
  };
}

export function requestView(r: StoredUsageRecord): RequestView {
  return {
    request_id: r.requestId,
    created_at: rfc3339(r.ts)!,
    account_id: r.accountId,
    key_id: r.keyId,
    model: r.model,
    provider: r.provider,
    upstream_model: r.upstreamModel,
    protocol: r.protocol,
    endpoint: r.endpoint,
    stream: r.stream,
    status: r.status,
    error_kind: r.errorKind,
    input_tokens: r.inputTokens,
    cached_input_tokens: r.cachedInputTokens,
    output_tokens: r.outputTokens,
    reasoning_tokens: r.reasoningTokens,
    estimated: r.estimated,
    cost_usd: toUsd(r.cost),
    unpriced: r.unpriced,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    attempts: r.attempts,
    user: r.user,
  };
}
