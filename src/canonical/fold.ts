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

/** Text or reasoning that continues the last block of its kind, or starts one (a signed reasoning block is closed). */
function extend(c: ChoiceResult, type: 'text' | 'reasoning', start: number, end: number): void {
  const last = c.blocks!.at(-1);
  if (last !== undefined && last.type === type && !(last.type === 'reasoning' && last.signature !== undefined)) last.end = end;
  else c.blocks!.push({ type, start, end });
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
        const start = c.text.length;
        c.text += e.text;
        extend(c, 'text', start, c.text.length);
        if (e.logprobs !== undefined) (c.logprobs ??= []).push(e.logprobs);
        break;
      }
      case 'reasoning': {
        const c = this.#choiceAt(e.choice);
        const start = c.reasoning.length;
        c.reasoning += e.text;
        extend(c, 'reasoning', start, c.reasoning.length);
        break;
      }
      case 'reasoning_signature': {
        const c = this.#choiceAt(e.choice);
        c.reasoningSignature = e.signature;
        // The signature ends its reasoning block (one with no text, if none was open).
        const last = c.blocks!.at(-1);
        if (last?.type === 'reasoning' && last.signature === undefined) last.signature = e.signature;
        else c.blocks!.push({ type: 'reasoning', start: c.reasoning.length, end: c.reasoning.length, signature: e.signature });
        break;
      }
      case 'reasoning_redacted': {
        const c = this.#choiceAt(e.choice);
        (c.reasoningRedacted ??= []).push(e.data);
        c.blocks!.push({ type: 'reasoning_redacted', data: e.data });
        break;
      }
      case 'tool_call_start': {
        const c = this.#choiceAt(e.choice);
        c.toolCalls[e.index] = { type: 'tool_call', id: e.id, name: e.name, arguments: '' };
        c.blocks!.push({ type: 'tool_call', index: e.index });
        break;
      }
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
      c = { index, text: '', reasoning: '', blocks: [], toolCalls: [], finish: { reason: 'other' } };
      this.#choices[index] = c;
    }
    return c;
  }
}
