import { LinguaError, type StreamEvent } from '../../canonical/index.js';
import { toFinish } from './map-finish.js';
import { choiceFields, topFields, usageFields } from './map-passthrough.js';
import { toUsage } from './map-usage.js';
import { newToolCallId } from '../../lib/ids.js';

type Json = Record<string, unknown>;

/** A whole `chat.completion` body as the canonical events that would have built it. */
export function completionToEvents(body: unknown, provider: string): StreamEvent[] {
  const choices = (body as Json | null)?.choices;
  if (!Array.isArray(choices)) {
    // Some servers answer 200 with an error body: its message says more than "no choices".
    const error = (body as Json | null)?.error;
    const message = typeof error === 'string' ? error : typeof (error as Json | null)?.message === 'string' ? (error as Json).message as string : undefined;
    throw new LinguaError('upstream', message === undefined
      ? `upstream provider '${provider}' returned a completion without choices`
      : `upstream provider '${provider}' answered 200 with an error: ${message.slice(0, 500)}`);
  }
  const events: StreamEvent[] = [];
  choices.forEach((raw: Json, position) => {
    const choice = typeof raw.index === 'number' ? raw.index : position;
    const message = (raw.message ?? {}) as Json;
    const reasoning = message.reasoning_content ?? message.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') events.push({ type: 'reasoning', choice, text: reasoning });
    if (typeof message.content === 'string' && message.content !== '') events.push({ type: 'text', choice, text: message.content });
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls as Json[] : [];
    calls.forEach((call, index) => {
      const fn = (call.function ?? {}) as Json;
      const id = typeof call.id === 'string' && call.id !== '' ? call.id : newToolCallId();
      events.push({ type: 'tool_call_start', choice, index, id, name: String(fn.name ?? '') });
      const args = typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? {});
      events.push({ type: 'tool_call_delta', choice, index, arguments: args });
    });
    const finish: StreamEvent = { type: 'finish', choice, finish: toFinish(raw.finish_reason, raw.stop_reason) };
    const passthrough = choiceFields(raw, message);
    if (passthrough !== undefined) finish.passthrough = passthrough;
    events.push(finish);
  });
  const usage = toUsage((body as Json).usage);
  if (usage !== undefined) {
    const e: StreamEvent = { type: 'usage', usage };
    const passthrough = usageFields((body as Json).usage);
    if (passthrough !== undefined) e.passthrough = passthrough;
    events.push(e);
  }
  // The response's own top-level fields, for an OpenAI client: carried by the first event.
  const top = topFields(body as Json);
  if (top !== undefined && events.length > 0) events[0]!.opening = { passthrough: top };
  return events;
}
