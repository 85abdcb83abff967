import type { ChatRequest, EventBatches, StreamEvent } from '../canonical/index.js';
import { StopMatcher } from '../canonical/stop-matcher.js';
import type { Provider } from '../providers/provider.js';

/**
 * Stop sequences a backend cannot serve as the client needs, matched by
 * Lingua on the backend's stream: more sequences than it takes (OpenAI takes
 * 4; an Anthropic client may send more), or a client that must be told which
 * sequence matched (Anthropic's `stop_sequence`) in front of a backend that
 * only says `stop`. The backend is then asked without `stop` and streams;
 * each choice's text is cut before its first stop sequence and finishes
 * there with that sequence, and once every choice has, the backend call
 * ends (its usage, never sent, is then Lingua's estimate).
 */
export function stopMatching(provider: Provider, request: ChatRequest): { request: ChatRequest; wrap: (batches: EventBatches) => EventBatches } | undefined {
  const stops = request.stop;
  const can = provider.stops;
  if (stops === undefined || stops.length === 0 || can === undefined) return undefined;
  if (stops.length <= can.max && (can.reportsMatch || request.reportStop !== true)) return undefined;
  const { stop: _taken, ...rest } = request;
  return {
    request: { ...rest, stream: true, includeUsage: true },
    wrap: (batches) => cutAtStops(batches, stops, request.n),
  };
}

async function* cutAtStops(batches: EventBatches, stops: readonly string[], choices: number): EventBatches {
  const matchers = new Map<number, StopMatcher>();
  const stopped = new Set<number>();
  const matcher = (choice: number): StopMatcher => {
    let m = matchers.get(choice);
    if (m === undefined) matchers.set(choice, m = new StopMatcher(stops));
    return m;
  };
  const upstream = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await upstream.next();
      if (step.done) return;
      const out: StreamEvent[] = [];
      for (const e of step.value) {
        if (e.type === 'usage' || e.type === 'error') {
          out.push(e);
          continue;
        }
        // A choice cut at its stop sequence: the backend's text after it, and its own finish, are dropped.
        if (stopped.has(e.choice)) continue;
        const m = matcher(e.choice);
        if (e.type === 'text') {
          const { text, stop } = m.push(e.text);
          if (text !== '') out.push({ ...e, text });
          if (stop !== undefined) {
            stopped.add(e.choice);
            out.push({ type: 'finish', choice: e.choice, finish: { reason: 'stop', stopSequence: stop } });
          }
          continue;
        }
        // Anything else ends the text so far: what was held back was not a stop sequence.
        const held = m.flush();
        if (held !== '') out.push({ type: 'text', choice: e.choice, text: held });
        out.push(e);
      }
      if (out.length > 0) yield out;
      if (stopped.size === choices) return;
    }
  } finally {
    // Ends the backend call when Lingua stopped it (or the client left).
    await upstream.return?.(undefined);
  }
}
