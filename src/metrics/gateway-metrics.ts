import { Counter, Gauge, Registry } from 'prom-client';
import { modelStates } from '../health/target-states.js';
import { toUsd } from '../pricing/pricing.js';
import type { Provider, ProviderStats } from '../providers/provider.js';
import type { LiveConfig } from '../reload/live-config.js';
import type { TargetRouteState } from '../router/router.js';
import type { Platform } from '../server/platform.js';
import { RecordedHistogram } from './recorded-histogram.js';
import type { RequestLabel, RequestMetrics, UsageLabel, UsageSeries } from './request-metrics.js';

const requestLabels: RequestLabel[] = ['protocol', 'endpoint', 'model', 'provider'];
const usageLabels: UsageLabel[] = ['model', 'key_id'];

/**
 * The Prometheus metrics of one server, in a Registry of its own (tests
 * start many servers in one process). Request counters come from
 * RequestMetrics; everything else is read when scraped: in-flight
 * requests, targets, local engines, upstream pools, the ledger, reloads.
 * Nothing here runs per request.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  constructor(readonly requests: RequestMetrics, live: LiveConfig, platform: Platform) {
    const r = this.registry;
    const counter = <L extends string>(name: string, help: string, labelNames: L[], fill: (c: Counter<L>) => void) =>
      new Counter<L>({ name, help, labelNames, registers: [r], collect() { this.reset(); fill(this); } });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>) => void) =>
      new Gauge<L>({ name, help, labelNames, registers: [r], collect() { this.reset(); fill(this); } });

    // Requests, from each request's Exchange.
    counter('lingua_requests_total', 'Requests finished, by endpoint, model, provider (the last target tried) and status (499: the client left).', [...requestLabels, 'status'], (c) => {
      for (const s of requests.requests()) for (const [status, n] of s.statuses) c.inc({ ...s.labels, status: String(status) }, n);
    });
    const histogram = (name: string, help: string, pick: 'duration' | 'ttft') => r.registerMetric(new RecordedHistogram({
      name, help, labelNames: requestLabels,
      series: function* () { for (const s of requests.requests()) if (s[pick].count > 0) yield { labels: s.labels, buckets: s[pick] }; },
    }));
    histogram('lingua_request_duration_seconds', 'Time from a request\'s arrival to its end.', 'duration');
    histogram('lingua_time_to_first_token_seconds', 'Time from a request\'s arrival to the first output sent (a whole answer: when it is sent).', 'ttft');
    const usage = (name: string, help: string, value: (u: UsageSeries) => number) => counter(name, help, usageLabels, (c) => {
      for (const u of requests.usage()) c.inc(u.labels, value(u));
    });
    usage('lingua_input_tokens_total', 'Input tokens of generating requests (the backend\'s count, else Lingua\'s estimate), by model and key id.', (u) => u.inputTokens);
    usage('lingua_cached_input_tokens_total', 'Input tokens read from the backend\'s prompt cache, by model and key id.', (u) => u.cachedInputTokens);
    usage('lingua_output_tokens_total', 'Output tokens of generating requests, by model and key id.', (u) => u.outputTokens);
    usage('lingua_cost_usd_total', 'What generating requests cost (the configured pricing), in USD, by model and key id.', (u) => toUsd(u.cost));

    // Read at scrape time.
    gauge('lingua_in_flight_requests', 'Requests being served now (on every config generation).', [], (g) => g.set(live.inflight()));
    gauge('lingua_target_usable', 'Whether a model\'s target can serve now (1) or not (0: its provider not ready, or cooling down).', ['model', 'provider', 'upstream_model'], (g) => {
      for (const m of modelStates(live.current.context.router)) for (const t of m.targets) g.set({ model: m.model, provider: t.provider, upstream_model: t.upstreamModel }, t.usable ? 1 : 0);
    });
    // The router's state: counters it keeps across reloads (its memory passes to the next router).
    const routes = () => live.current.context.router.state().models;
    const modelCounter = (name: string, help: string, field: 'retries' | 'fallbacks' | 'contextFallbacks') => counter(name, help, ['model'], (c) => {
      for (const m of routes()) c.inc({ model: m.name }, m.counters[field]);
    });
    modelCounter('lingua_retries_total', 'Attempts again on a target that failed earlier in the same request, by model.', 'retries');
    modelCounter('lingua_fallbacks_total', 'Requests a model handed to one of its fallbacks (or the caller\'s `models`).', 'fallbacks');
    modelCounter('lingua_context_fallbacks_total', 'Requests a model handed to a context_fallbacks model (the request was too long for it).', 'contextFallbacks');
    /** Each target once (a target serves every model that names it). */
    const targets = function* () {
      const seen = new Set<string>();
      for (const m of routes()) for (const t of m.targets) if (!seen.has(t.id)) { seen.add(t.id); yield t; }
    };
    const targetLabels: Array<'provider' | 'upstream_model'> = ['provider', 'upstream_model'];
    const targetOf = (t: TargetRouteState) => ({ provider: t.provider, upstream_model: t.upstreamModel });
    const targetCounter = (name: string, help: string, field: keyof TargetRouteState['counters']) => counter(name, help, targetLabels, (c) => {
      for (const t of targets()) c.inc(targetOf(t), t.counters[field]);
    });
    targetCounter('lingua_target_attempts_total', 'Attempts on a target (provider and upstream model).', 'attempts');
    targetCounter('lingua_target_failures_total', 'Attempts on a target that failed before their first byte.', 'failures');
    targetCounter('lingua_cooldowns_total', 'Times this instance opened a target\'s circuit breaker (a cooldown).', 'cooldownsOpened');
    gauge('lingua_target_cooling', 'Whether a target is cooling down (1: skipped), or not (0; half-open: its next request probes it).', targetLabels, (g) => {
      for (const t of targets()) g.set(targetOf(t), t.health === 'cooling' ? 1 : 0);
    });
    gauge('lingua_target_in_flight', 'Requests in flight on a target (counted where a model balances several targets).', targetLabels, (g) => {
      for (const t of targets()) if (t.inflight !== null) g.set(targetOf(t), t.inflight);
    });
    gauge('lingua_target_ttft_ewma_seconds', 'A target\'s moving average of time to first byte: of streaming attempts (`stream`) and of whole answers (`whole`).', [...targetLabels, 'mode'], (g) => {
      for (const t of targets()) {
        if (t.ttftMs.stream !== null) g.set({ ...targetOf(t), mode: 'stream' }, t.ttftMs.stream / 1000);
        if (t.ttftMs.whole !== null) g.set({ ...targetOf(t), mode: 'whole' }, t.ttftMs.whole / 1000);
      }
    });
    const providers = () => uniqueProviders(live);
    const stat = <K extends 'engine' | 'connections'>(name: string, help: string, kind: K, field: keyof NonNullable<ProviderStats[K]>) =>
      gauge(name, help, ['provider'], (g) => {
        for (const p of providers()) {
          const s = p.stats?.()[kind] as Record<string, number> | undefined;
          if (s !== undefined) g.inc({ provider: p.name }, s[field as string]!);
        }
      });
    stat('lingua_engine_sequences', 'Context sequences of a local model (requests it generates at once).', 'engine', 'sequences');
    stat('lingua_engine_busy_sequences', 'Sequences of a local model generating now.', 'engine', 'busy');
    stat('lingua_engine_queue_depth', 'Requests waiting for a free sequence of a local model.', 'engine', 'queued');
    stat('lingua_upstream_connections', 'Open connections to an HTTP upstream.', 'connections', 'open');
    stat('lingua_upstream_idle_connections', 'Open connections to an HTTP upstream with no request on them.', 'connections', 'free');
    stat('lingua_upstream_running_requests', 'Requests an HTTP upstream is answering now.', 'connections', 'running');
    stat('lingua_upstream_pending_requests', 'Requests waiting for a connection to an HTTP upstream.', 'connections', 'pending');

    const ledger = () => platform.storage.ledger.stats();
    gauge('lingua_ledger_queued_records', 'Usage records waiting to be written to the database.', [], (g) => g.set(ledger().queued));
    counter('lingua_ledger_dropped_records_total', 'Usage records given up (queue full, database refused).', [], (c) => c.inc(ledger().dropped));
    gauge('lingua_config_generation', 'The config in force: 1 at start, one more per applied reload.', [], (g) => g.set(live.current.number));
    counter('lingua_config_reloads_total', 'Config reloads, applied or refused (the old config kept).', ['outcome'], (c) => {
      c.inc({ outcome: 'applied' }, live.reloads.applied);
      c.inc({ outcome: 'refused' }, live.reloads.refused);
    });
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', [], (g) => g.set(process.memoryUsage.rss()));
    gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', [], (g) => g.set(process.memoryUsage().heapUsed));
  }

  /** The text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Every provider some live generation holds (a replaced one still draining included), once. */
function uniqueProviders(live: LiveConfig): Set<Provider> {
  return new Set(live.generations().flatMap((g) => [...g.providers.values()]));
}
