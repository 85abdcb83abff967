import { LinguaError } from './errors.js';
import { WholeAnswer } from './event-batches.js';
import type { EventBatches, EventStream, StreamEvent } from './events.js';
import type { ChatResult, ChoiceResult } from './response.js';

/**
 * Folds a canonical event stream into a finished result: how every
 * non-streaming response is made. An `error` event (or a thrown error)
 * rejects; a stream that ends without finishing a choice rejects too.
 */
export async function foldStream(events: EventStream): Promise<ChatResult> {
  const fold = new Fold();
  for await (const e of events) fold.add(e);
  return fold.result();
}

/** `foldStream` over events in batches. */
export async function foldBatches(batches: EventBatches): Promise<ChatResult> {
  const fold = new Fold();
  if (batches instanceof WholeAnswer) {
    for (const e of await batches.read()) fold.add(e);
  } else {
    for await (const batch of batches) for (const e of batch) fold.add(e);
  }
  return fold.result();
}

class Fold {
  readonly #choices: ChoiceResult[] = [];
  readonly #result: ChatResult = { choices: this.#choices };
  /** Indexes of the choices that got their `finish` (few: a short array beats a Set). */
  readonly #finished: number[] = [];

  add(e: StreamEvent): void {
    if (e.opening !== undefined) this.#result.opening ??= e.opening;
    if (e.passthrough !== undefined) this.#keep(e);
    switch (e.type) {
      case 'text': {
        const c = this.#choiceAt(e.choice);
        c.text += e.text;
        if (e.logprobs !== undefined) (c.logprobs ??= []).push(e.logprobs);
        break;
      }
      case 'reasoning': this.#choiceAt(e.choice).reasoning += e.text; break;
      case 'reasoning_signature': this.#choiceAt(e.choice).reasoningSignature = e.signature; break;
      case 'reasoning_redacted': (this.#choiceAt(e.choice).reasoningRedacted ??= []).push(e.data); break;
      case 'tool_call_start':
        this.#choiceAt(e.choice).toolCalls[e.index] = { type: 'tool_call', id: e.id, name: e.name, arguments: '' };
        break;
      case 'tool_call_delta': {
        const call = this.#choiceAt(e.choice).toolCalls[e.index];
        if (call === undefined) throw new LinguaError('upstream', `backend sent arguments for tool call ${e.index} before starting it`);
        call.arguments += e.arguments;
        break;
      }
      case 'finish': this.#choiceAt(e.choice).finish = e.finish; if (!this.#finished.includes(e.choice)) this.#finished.push(e.choice); break;
      case 'usage': this.#result.usage = e.usage; break;
      case 'error': throw e.error;
    }
  }

  result(): ChatResult {
    if (this.#choices.length === 0 || this.#finished.length < this.#choices.length) {
      throw new LinguaError('upstream', 'backend stream ended before the response finished');
    }
    return this.#result;
  }

  /** An event's passthrough, on its choice (or the result for `usage`), in order. */
  #keep(e: StreamEvent): void {
    if ('choice' in e) (this.#choiceAt(e.choice).passthrough ??= []).push(e.passthrough!);
    else (this.#result.passthrough ??= []).push(e.passthrough!);
  }

  #choiceAt(index: number): ChoiceResult {
    let c = this.#choices[index];
    if (c === undefined) {
      c = { index, text: '', reasoning: '', toolCalls: [], finish: { reason: 'other' } };
      this.#choices[index] = c;
    }
    return c;
  }
}
