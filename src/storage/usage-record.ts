/**
 * One request, as the usage ledger keeps it: every request to a generating
 * endpoint produces exactly one, refused ones included. Times in ms, money
 * in nano-USD. Optional fields may be left out or null (null when read back).
 */
export interface UsageRecord {
  /** The request's id (`x-request-id`): the caller may choose it, so it is not unique. */
  requestId: string;
  /** When the request arrived (Unix ms); rollups count it in this hour. */
  ts: number;
  accountId?: string | null;
  /** The key's public id. */
  keyId?: string | null;
  /** The public model name asked for. */
  model?: string | null;
  provider?: string | null;
  upstreamModel?: string | null;
  /** 'openai', 'anthropic', 'envelope', … */
  protocol: string;
  /** The route, e.g. '/v1/chat/completions'. */
  endpoint: string;
  stream: boolean;
  /** The HTTP status answered; ≥ 400 counts as an error in rollups. */
  status: number;
  /** The LinguaError kind of a failed request. */
  errorKind?: string | null;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** The token figures are Lingua's estimate (e.g. a stream aborted before the backend reported usage). */
  estimated?: boolean;
  /** nano-USD; 0 for a model without pricing. */
  cost: number;
  /** The model has no pricing: `cost` is 0 because nothing is known, not because it was free. */
  unpriced?: boolean;
  latencyMs: number;
  /** Time to first token (streams), in ms. */
  ttftMs?: number | null;
  /** Backend calls made (0 for a request refused before any). */
  attempts: number;
  /** The caller's `user` field. */
  user?: string | null;
}

/** A usage record as read back: every field present, absent ones null. */
export type StoredUsageRecord = Required<UsageRecord>;
