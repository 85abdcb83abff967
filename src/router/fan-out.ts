import { LinguaError, type ChatRequest, type EventBatches, type StreamEvent, type Usage } from '../canonical/index.js';

/**
 * `n` choices from a backend that makes one per call (Anthropic Messages,
 * the Responses API): n calls at once, each asked for one, merged into one
 * answer as their events arrive, call i's events as choice i. A call that
 * fails before anything reached the client fails the request (so it can
 * still be retried elsewhere, or answered with an error); once the answer
 * has begun, it ends only its own choice, with finish reason `error`. The
 * usage is the calls' usage summed, as the backend billed them.
 */
export function fanOut(request: ChatRequest, call: (one: ChatRequest) => EventBatches): EventBatches {
  const one: ChatRequest = { ...request, n: 1 };
  return merged(Array.from({ length: request.n }, () => call(one)), request.stream);
}

type Step = { i: number; step: IteratorResult<readonly StreamEvent[]> } | { i: number; error: unknown };

async function* merged(sources: readonly EventBatches[], streaming: boolean): EventBatches {
  const calls = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<Step>>();
  const read = (i: number): void => {
    pending.set(i, calls[i]!.next().then((step) => ({ i, step }), (error: unknown) => ({ i, error })));
  };
  calls.forEach((_, i) => read(i));
  const usage: Usage[] = [];
  // A non-streaming answer is sent whole: any failure is the request's.
  let begun = false;
  try {
    while (pending.size > 0) {
      const next = await Promise.race(pending.values());
      pending.delete(next.i);
      const choice = next.i;
      const failed = (error: unknown): StreamEvent => {
        if (!begun || !streaming) throw error;
        const message = error instanceof LinguaError ? error.message : String(error);
        return { type: 'finish', choice, finish: { reason: 'error', raw: message } };
      };
      if ('error' in next) {
        yield [failed(next.error)];
        continue;
      }
      if (next.step.done) continue;
      const out: StreamEvent[] = [];
      let ended = false;
      for (const e of next.step.value) {
        if (e.type === 'usage') usage.push(e.usage);
        else if (e.type === 'error') {
          out.push(failed(e.error));
          ended = true;
          break;
        } else out.push({ ...e, choice });
      }
      if (out.length > 0) {
        begun = true;
        yield out;
      }
      if (ended) void calls[choice]!.return?.(undefined);
      else read(choice);
    }
    if (usage.length > 0) yield [{ type: 'usage', usage: summed(usage) }];
  } finally {
    // The client left, or a call failed the request: the others are called off.
    for (const i of pending.keys()) void calls[i]!.return?.(undefined)?.catch(() => {});
  }
}

function summed(all: readonly Usage[]): Usage {
  const total: Usage = { inputTokens: 0, outputTokens: 0 };
  for (const u of all) {
    total.inputTokens += u.inputTokens;
    total.outputTokens += u.outputTokens;
    if (u.cachedInputTokens !== undefined) total.cachedInputTokens = (total.cachedInputTokens ?? 0) + u.cachedInputTokens;
    if (u.reasoningTokens !== undefined) total.reasoningTokens = (total.reasoningTokens ?? 0) + u.reasoningTokens;
  }
  return total;
}
