import type { ModelConfig } from '../config/schema.js';
import type { Provider } from '../providers/provider.js';
import type { UnsupportedParamsMode } from '../params/unsupported-policy.js';
import { Pricing, type PricingConfig } from '../pricing/pricing.js';
import type { CooldownPolicy } from './cooldowns.js';
import type { RouterMemory } from './router-memory.js';
import type { RoutingConfig, Strategy } from './routing-config.js';
import type { TargetHealth } from './target-health.js';

/** One place a model is served: a provider and the model id it knows, with the model's weight and tier for it. */
export interface Deployment {
  readonly provider: Provider;
  readonly upstreamModel: string;
  /** The public model it is a target of (a fallback's, when a fallback served). */
  readonly model: string;
  readonly weight: number;
  /** 1 first; a higher tier only when every target of the lower ones is down or cooling. */
  readonly tier: number;
  /** What its tokens cost: the model's `pricing`, else its provider's (for the pipeline to price by the target that served). */
  readonly pricing: Pricing | undefined;
  readonly health: TargetHealth;
  /** Its model's `unsupported_params` (else the config's): what a parameter its backend lacks becomes. */
  readonly unsupportedParams: UnsupportedParamsMode;
}

/** A model's bounds on retries, in ms. */
export interface RetrySettings {
  maxRetries: number;
  budgetMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  retryAfterMaxMs: number;
}

/** What the router did for a model (this instance, since it started). */
export interface ModelCounters {
  /** Attempts again on a target that failed earlier in the same request. */
  retries: number;
  /** Requests this model handed to one of its `fallbacks` (or the caller's `models`). */
  fallbacks: number;
  /** Requests handed to a `context_fallbacks` model. */
  contextFallbacks: number;
}

export interface ModelEntry {
  name: string;
  ownedBy: string;
  /** Every target, best tier first. */
  deployments: Deployment[];
  /** The targets by tier, best first. */
  tiers: Deployment[][];
  strategy: Strategy;
  fallbacks: readonly string[];
  contextFallbacks: readonly string[];
  retry: RetrySettings;
  cooldown: CooldownPolicy;
  counters: ModelCounters;
  /** What its tokens cost (the model's `pricing`, else its first provider's); absent: unpriced. */
  pricing?: Pricing;
  contextLength?: number;
  maxOutputTokens?: number;
  /** Limits each key has on this model. */
  limits?: { rpm?: number; tpm?: number; maxConcurrency?: number };
  /** An embedding model: served by POST /v1/embeddings only (chat is refused). */
  embedding: boolean;
}

/**
 * The models of a config, by name. A model's listings add up: each
 * `{provider, model}` listing is one target in the tier after the
 * listings before it (a model listed twice is ordered failover, as
 * before); `targets` listings add theirs. One TargetHealth per provider
 * and upstream model, shared by the models served there.
 */
export function buildModels(
  models: readonly ModelConfig[],
  providers: ReadonlyMap<string, Provider>,
  providerPricing: ReadonlyMap<string, PricingConfig>,
  routing: RoutingConfig,
  memory: RouterMemory,
  /** The config's `unsupported_params`: the policy of models that set none. */
  unsupportedParams: UnsupportedParamsMode = 'adapt',
): Map<string, ModelEntry> {
  const entries = new Map<string, ModelEntry>();
  const listings = new Map<string, number>();
  const modelPricing = new Map<string, PricingConfig>();
  for (const m of models) if (m.pricing !== undefined && !modelPricing.has(m.name)) modelPricing.set(m.name, m.pricing);
  // A model's policy is set once for all its listings (any of them may say it).
  const modelPolicy = new Map<string, UnsupportedParamsMode>();
  for (const m of models) if (m.unsupported_params !== undefined && !modelPolicy.has(m.name)) modelPolicy.set(m.name, m.unsupported_params);

  for (const m of models) {
    const listing = listings.get(m.name) ?? 0;
    listings.set(m.name, listing + 1);
    let entry = entries.get(m.name);
    if (entry === undefined) {
      entry = { name: m.name, ownedBy: m.owned_by, deployments: [], tiers: [], strategy: 'weighted', fallbacks: [], contextFallbacks: [], retry: retrySettings(routing, m), cooldown: cooldownPolicy(routing, m), counters: memory.counters(m.name), embedding: isEmbedding(m, providers) };
      entries.set(m.name, entry);
    } else if (listing > 0) {
      if (m.max_retries !== undefined || m.retry_budget_s !== undefined) entry.retry = retrySettings(routing, m);
      if (m.cooldown !== undefined) entry.cooldown = cooldownPolicy(routing, m);
    }
    if (m.strategy !== undefined) entry.strategy = m.strategy;
    if (m.fallbacks !== undefined) entry.fallbacks = m.fallbacks;
    if (m.context_fallbacks !== undefined) entry.contextFallbacks = m.context_fallbacks;
    const targets = m.targets ?? [{ provider: m.provider!, model: m.model, weight: 1, tier: listing + 1 }];
    for (const t of targets) {
      const provider = providers.get(t.provider);
      if (provider === undefined) throw new Error(`model '${m.name}': no provider '${t.provider}'`);
      checkModelKind(m.name, entry.embedding, t.provider, provider);
      const upstreamModel = t.model ?? m.name;
      const health = memory.target(t.provider, upstreamModel);
      health.countsInflight = false;
      const pricing = modelPricing.get(m.name) ?? providerPricing.get(t.provider);
      entry.deployments.push({ provider, upstreamModel, model: m.name, weight: t.weight, tier: t.tier, pricing: pricing === undefined ? undefined : new Pricing(pricing), health, unsupportedParams: modelPolicy.get(m.name) ?? unsupportedParams });
    }
    const pricing = m.pricing ?? providerPricing.get(targets[0]!.provider);
    if (entry.pricing === undefined && pricing !== undefined) entry.pricing = new Pricing(pricing);
    entry.contextLength ??= m.context_length;
    entry.maxOutputTokens ??= m.max_output_tokens;
    if (entry.limits === undefined && m.limits !== undefined) {
      entry.limits = { rpm: m.limits.rpm, tpm: m.limits.tpm, maxConcurrency: m.limits.max_concurrency };
    }
  }

  for (const entry of entries.values()) {
    entry.deployments.sort((a, b) => a.tier - b.tier);
    const byTier = new Map<number, Deployment[]>();
    for (const d of entry.deployments) {
      let tier = byTier.get(d.tier);
      if (tier === undefined) byTier.set(d.tier, tier = []);
      tier.push(d);
    }
    entry.tiers = [...byTier.values()];
    if (entry.deployments.length > 1) for (const d of entry.deployments) d.health.countsInflight = true;
  }
  return entries;
}

/** The model's `embedding`, else what its first target's provider loads. */
function isEmbedding(m: ModelConfig, providers: ReadonlyMap<string, Provider>): boolean {
  const first = m.targets?.[0]?.provider ?? m.provider;
  return m.embedding ?? (first !== undefined && providers.get(first)?.modelKind === 'embedding');
}

/** Every target of a model serves its kind (chat or embeddings): a mismatch is a config error, not a 400 per request. */
function checkModelKind(model: string, embedding: boolean, name: string, provider: Provider): void {
  const kind = provider.modelKind ?? 'chat';
  if (embedding && kind === 'chat') throw new Error(`model '${model}' is an embedding model, but provider '${name}' serves no embeddings`);
  if (!embedding && kind === 'embedding') throw new Error(`model '${model}' is a chat model, but provider '${name}' loads an embedding model (set embedding: true on the model, or use another provider)`);
}

function retrySettings(routing: RoutingConfig, m: ModelConfig): RetrySettings {
  return {
    maxRetries: m.max_retries ?? routing.max_retries,
    budgetMs: (m.retry_budget_s ?? routing.retry_budget_s) * 1000,
    backoffBaseMs: routing.backoff_base_ms,
    backoffMaxMs: routing.backoff_max_ms,
    retryAfterMaxMs: routing.retry_after_max_s * 1000,
  };
}

function cooldownPolicy(routing: RoutingConfig, m: ModelConfig): CooldownPolicy {
  const c = { ...routing.cooldown, ...definedOnly(m.cooldown ?? {}) };
  return { failures: c.failures, windowMs: Math.round(c.window_s * 1000), durationMs: Math.round(c.duration_s * 1000) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
