import { LinguaError } from './errors.js';
import type { EventStream } from './events.js';
import type { ChatResult, ChoiceResult } from './response.js';

/**
 * Folds a canonical event stream into a finished result: how every
 * non-streaming response is made. An `error` event (or a thrown error)
 * rejects; a stream that ends without finishing a choice rejects too.
 */
export async function foldStream(events: EventStream): Promise<ChatResult> {
  const choices: ChoiceResult[] = [];
  const result: ChatResult = { choices };
  const choiceAt = (index: number): ChoiceResult => {
    let c = choices[index];
    if (c === undefined) {
      c = { index, text: '', reasoning: '', toolCalls: [], finish: { reason: 'other' } };
      choices[index] = c;
    }
    return c;
  };
  const finished = new Set<number>();

  for await (const e of events) {
    switch (e.type) {
      case 'text': choiceAt(e.choice).text += e.text; break;
      case 'reasoning': choiceAt(e.choice).reasoning += e.text; break;
      case 'reasoning_signature': choiceAt(e.choice).reasoningSignature = e.signature; break;
      case 'reasoning_redacted': (choiceAt(e.choice).reasoningRedacted ??= []).push(e.data); break;
      case 'tool_call_start':
        choiceAt(e.choice).toolCalls[e.index] = { type: 'tool_call', id: e.id, name: e.name, arguments: '' };
        break;
      case 'tool_call_delta': {
        const call = choiceAt(e.choice).toolCalls[e.index];
        if (call === undefined) throw new LinguaError('upstream', `backend sent arguments for tool call ${e.index} before starting it`);
        call.arguments += e.arguments;
        break;
      }
      case 'finish': choiceAt(e.choice).finish = e.finish; finished.add(e.choice); break;
      case 'usage': result.usage = e.usage; break;
      case 'error': throw e.error;
    }
  }
  if (choices.length === 0 || finished.size < choices.length) {
    throw new LinguaError('upstream', 'backend stream ended before the response finished');
  }
  return result;
}
