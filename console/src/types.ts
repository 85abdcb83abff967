/** The API's objects, as the pages use them (docs/admin-api.md, docs/console.md). */

export interface Session {
  kind: 'operator' | 'member';
  email: string | null;
  account: { id: string; name: string; status: string } | null;
  csrf_token: string;
  expires_at: string;
  keys_required?: boolean;
}

export interface Limits {
  rpm: number | null;
  tpm: number | null;
  max_concurrency: number | null;
  budget_usd: number | null;
  budget_period: 'day' | 'week' | 'month' | 'none' | null;
  budget_used_usd: number | null;
  budget_reserved_usd: number | null;
  budget_left_usd: number | null;
  budget_resets_at: string | null;
  metadata: Record<string, unknown> | null;
}

export interface Account extends Limits {
  id: string;
  name: string;
  email: string | null;
  status: 'active' | 'disabled';
  created_at: string;
  last_used_at: string | null;
}

export interface Key extends Limits {
  id: string;
  start: string;
  name: string;
  account_id: string | null;
  status: 'active' | 'revoked' | 'expired';
  models: string[];
  expires_at: string | null;
  revoked_at: string | null;
  previous_key_expires_at: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface KeyWithSecret extends Key {
  key: string;
}

export interface List<T> {
  data: T[];
}

export interface UsageRow {
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
  unpriced: number;
}

export interface UsageReport {
  group_by: 'key' | 'account' | 'model' | 'day' | 'hour';
  from: string;
  to: string;
  data: UsageRow[];
  unpriced: number;
  notice: string | null;
}

export interface RequestRecord {
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
  estimated: boolean;
  cost_usd: number;
  unpriced: boolean;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  user: string | null;
}

export interface RequestsPage extends List<RequestRecord> {
  has_more: boolean;
  next_cursor: string | null;
}

export interface Pricing {
  input: number;
  cached_input?: number;
  output: number;
  reasoning?: number;
}

export interface ModelTarget {
  provider: string;
  upstream_model: string;
  tier: number;
  weight: number;
  usable: boolean;
  state: string;
  message?: string;
  breaker: string;
  cooldown_until: string | null;
  in_flight: number | null;
  /** The router's TTFT moving averages, streamed and whole answers. */
  ttft_ms: { stream: number | null; whole: number | null } | null;
  counters?: { attempts: number; failures: number; retries: number; cooldownsOpened: number };
}

export interface ModelInfo {
  name: string;
  owned_by: string;
  pricing: Pricing | null;
  context_length: number | null;
  max_output_tokens: number | null;
  health?: { usable?: boolean; strategy?: string; fallbacks?: string[]; targets?: ModelTarget[] };
}

export interface ModelsView extends List<ModelInfo> {
  server?: { ready?: boolean; not_ready?: unknown[]; in_flight?: number; config?: { generation: number; since: string; reloads?: unknown } };
}

export interface Member {
  id: string;
  account_id: string;
  email: string;
  created_at: string;
  last_login_at: string | null;
}

export interface Invite {
  id: string;
  account_id: string;
  email: string;
  status: 'pending' | 'used' | 'expired';
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface CreatedInvite extends Invite {
  token: string;
  path: string;
  resets_password: boolean;
}
