import { refuseUnportable, singleBatches, WholeAnswer, type ChatRequest, type EventBatches, type StreamEvent } from '../canonical/index.js';
import type { AbortSource } from '../lib/abort-source.js';
import type { ProviderCall } from '../providers/provider.js';
import { asLinguaError } from './as-lingua-error.js';
import type { Deployment } from './model-entry.js';
import type { Failure, RouteRequest, RouteRun, RouteServices } from './route-run.js';
import { fanOut } from './fan-out.js';
import { ParamAdaptations } from '../params/unsupported-policy.js';
import { stopMatching } from './stop-matching.js';

/** Told of each deployment a request is tried on (the usage record's target and attempts). */
export interface AttemptTrace {
  /** `adaptations`: what the attempt's request mapping changes for its backend (chat attempts). */
  attempt(deployment: Deployment, adaptations?: ParamAdaptations): void;
}

/** One call of a deployment's provider; `adaptations` records what its mapping dropped or clamped. */
export function deploymentBatches(d: Deployment, request: ChatRequest, abort: AbortSource, adaptations: ParamAdaptations): EventBatches {
  if (request.n > 1 && d.provider.choicesPerCall === 1) return fanOut(request, (one) => deploymentBatches(d, one, abort, adaptations));
  // A field only a backend of the client's own protocol honours (`truncation` for a Responses client) is refused by any other.
  refuseUnportable(request, d.provider.passthrough, `provider '${d.provider.name}'`);
  const stops = stopMatching(d.provider, request);
  const call = new Call(stops?.request ?? request, d.upstreamModel, abort, adaptations);
  const batches = d.provider.batches?.(call) ?? singleBatches(d.provider.stream(call));
  return stops === undefined ? batches : stops.wrap(batches);
}

/** A provider call whose AbortSignal is built only if the provider reads it. */
class Call implements ProviderCall {
  constructor(readonly request: ChatRequest, readonly model: string, readonly abort: AbortSource, readonly adaptations: ParamAdaptations) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }
}

/**
 * A whole answer's events: nothing reaches the client before the answer is
 * complete, so a failure anywhere in it can still be retried.
 */
export function readWhole(batches: EventBatches): Promise<readonly StreamEvent[]> {
  // Not async: a promise returned from an async function costs extra ticks on the fast path.
  return batches instanceof WholeAnswer ? batches.read() : collect(batches);
}

async function collect(batches: EventBatches): Promise<readonly StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const batch of batches) {
    for (const e of batch) {
      if (e.type === 'error') throw e.error;
      events.push(e);
    }
  }
  return events;
}

/** Starts an attempt: traced, counted; true when it counts as in flight (`end` then uncounts it). */
function beginAttempt(d: Deployment, trace: AttemptTrace | undefined, adaptations?: ParamAdaptations): boolean {
  trace?.attempt(d, adaptations);
  d.health.attempts++;
  if (!d.health.countsInflight) return false;
  d.health.inflight++;
  return true;
}

function endAttempt(d: Deployment, counted: boolean): void {
  if (counted) d.health.inflight--;
}

/** A streaming request's batches, attempt after attempt, until one yields its first batch; after that its failures are final. */
export async function* retryingBatches(run: RouteRun, s: RouteServices, trace: AttemptTrace | undefined, failure?: Failure): EventBatches {
  for (;;) {
    const { d, probe } = await run.next(failure);
    const adaptations = new ParamAdaptations(d.unsupportedParams);
    const counted = beginAttempt(d, trace, adaptations);
    const t0 = performance.now();
    let started = false;
    try {
      for await (const batch of deploymentBatches(d, run.request, run.abort, adaptations)) {
        if (!started) {
          const first = batch[0];
          if (first?.type === 'error') throw first.error;
          started = true;
          d.health.observe(performance.now() - t0, true);
          if (probe) await s.cooldowns.succeed(d.health.id);
        }
        yield batch;
      }
      return;
    } catch (error) {
      const e = asLinguaError(error, s.logger);
      if (started) throw e;
      failure = { d, error: e, probe };
    } finally {
      endAttempt(d, counted);
    }
  }
}

/** A non-streaming request's events, attempt after attempt, until one answers whole. */
export function retryingWhole(run: RouteRun, s: RouteServices, trace: AttemptTrace | undefined, failure?: Failure): Promise<readonly StreamEvent[]> {
  return retryingCall(run, s, trace, (d, adaptations) => readWhole(deploymentBatches(d, run.request, run.abort, adaptations)), failure);
}

/**
 * A call answered whole (a non-streaming chat, an embeddings request),
 * attempt after attempt on the run's targets, until one succeeds.
 */
export async function retryingCall<T, R extends RouteRequest>(run: RouteRun<R>, s: RouteServices, trace: AttemptTrace | undefined, call: (d: Deployment, adaptations: ParamAdaptations) => Promise<T>, failure?: Failure): Promise<T> {
  for (;;) {
    const { d, probe } = await run.next(failure);
    const adaptations = new ParamAdaptations(d.unsupportedParams);
    const counted = beginAttempt(d, trace, adaptations);
    const t0 = performance.now();
    try {
      const answer = await call(d, adaptations);
      d.health.observe(performance.now() - t0, false);
      if (probe) await s.cooldowns.succeed(d.health.id);
      return answer;
    } catch (error) {
      failure = { d, error: asLinguaError(error, s.logger), probe };
    } finally {
      endAttempt(d, counted);
    }
  }
}

/**
 * The fast path's first attempt on a model's one healthy target: the
 * provider's batches passed on as they are, with one reaction on the first
 * `next()` (a failure there is handed to `recover`, which goes on with
 * retries and fallbacks). After the first batch, `next()` is the
 * provider's own: no extra promise per batch, no clock read.
 */
export class FirstBatchWatch implements AsyncIterableIterator<readonly StreamEvent[]> {
  #it: AsyncIterator<readonly StreamEvent[]> | undefined;
  #watching = true;

  constructor(
    readonly source: EventBatches,
    readonly recover: (error: unknown) => EventBatches,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<readonly StreamEvent[]>> {
    if (!this.#watching) return this.#it?.next() ?? Promise.resolve({ done: true, value: undefined });
    const it = this.#it ??= this.source[Symbol.asyncIterator]();
    return it.next().then((step) => {
      if (!step.done && step.value[0]?.type === 'error') {
        void it.return?.()?.catch(() => {});
        return this.#recover(step.value[0].error);
      }
      this.#watching = false;
      return step;
    }, (error: unknown) => this.#recover(error));
  }

  return(value?: unknown): Promise<IteratorResult<readonly StreamEvent[]>> {
    this.#watching = false;
    return this.#it?.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
  }

  #recover(error: unknown): Promise<IteratorResult<readonly StreamEvent[]>> {
    this.#watching = false;
    const it = this.#it = this.recover(error)[Symbol.asyncIterator]();
    return it.next();
  }
}
