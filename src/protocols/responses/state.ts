import { invalidRequest, LinguaError, type ChatRequest, type FieldPath } from '../../canonical/index.js';
import type { CallerState, KeptResponse } from '../contract.js';
import { newItemId } from './output-items.js';
import { openReasoning, sealPrefix, unreadable } from './reasoning-envelope.js';
import type { ResponsesInputItem } from './request-schema.js';
import { responsesContext, type ResponsesContext, type ResponsesInput } from './responses-request.js';
import { toCanonicalMessages } from './to-canonical-messages.js';
import { upstreamInput } from './upstream-input.js';

/**
 * The Responses API's state (docs/responses.md): with `store` (the API's
 * default) a response and the conversation it answered are kept for the
 * caller's account; `previous_response_id` continues from one (its items,
 * not its `instructions`), and item references name items of it. Sealed
 * reasoning is opened here, once the caller (whose key sealed it) is known.
 */

type Item = Record<string, unknown>;

/** Loads what the request refers to and makes its messages (the protocol's `prepare`). */
export async function prepareResponses(request: ChatRequest, state: CallerState): Promise<void> {
  const context = responsesContext(request);
  context.state = state;
  const { input } = context;
  if (input.previousResponseId !== undefined || input.references.length > 0) {
    const history = input.previousResponseId === undefined ? [] : await historyOf(state, input.previousResponseId);
    const own = withReferences(input, history);
    context.conversation = [...history, ...own];
    // Items of the history are named by the field that brought them in; the request's own by their place in `input`.
    const at = (i: number): FieldPath => (i < history.length ? ['previous_response_id'] : ['input', i - history.length]);
    const prompt = toCanonicalMessages(input.instructions, context.conversation as ResponsesInputItem[], input.sealed, at);
    request.messages = prompt.messages;
    // A part of the history is then named `previous_response_id`, whatever its place in the stored item (render-error.ts).
    request.clientPaths = prompt;
    if (!request.messages.some((m) => m.role !== 'system')) throw invalidRequest("Invalid 'input': it holds no message to answer.", 'input', 'invalid_request_error');
  }
  const p = request.passthrough?.protocol === 'responses' ? request.passthrough : undefined;
  const foreign = new Set<string>();
  for (const s of input.sealed) {
    // Not sealed by Lingua: the upstream's own (a client that talked to it directly), sent as it came
    // on the lossless path; any other backend refuses it by name (passthrough.ts).
    if (p !== undefined && !s.token.startsWith(sealPrefix)) {
      foreign.add(s.token);
      p.unportable = [...p.unportable, s.param];
      p.refusals = { ...p.refusals, [s.param]: unreadable(s.param) };
      continue;
    }
    openReasoning(s.part, s.token, s.param, state);
  }
  if (p !== undefined) {
    // The lossless path's conversation (for a Responses backend), made with these very messages.
    p.input = upstreamInput(context.conversation ?? input.items, input.sealed, foreign);
    p.messages = request.messages;
  }
}

/** The conversation a stored response continues: its input, then its output (reasoning sealed again as it was kept). */
async function historyOf(state: CallerState, id: string): Promise<Item[]> {
  const kept = await state.get(id);
  if (kept === undefined) {
    throw new LinguaError('not_found', `Previous response with id '${id}' not found.`, { param: 'previous_response_id', code: 'previous_response_not_found' });
  }
  const output = (kept.response.output as Item[] | undefined) ?? [];
  return [
    ...(kept.inputItems as Item[]),
    ...output.map((item) => {
      const sealed = typeof item.id === 'string' ? kept.sealed?.[item.id] : undefined;
      return sealed === undefined ? item : { ...item, encrypted_content: sealed };
    }),
  ];
}

/** The request's items with each item reference replaced by the item it names, from the conversation continued. */
function withReferences(input: ResponsesInput, history: readonly Item[]): Item[] {
  const own = typeof input.items === 'string' ? [userMessage(input.items)] : [...input.items] as Item[];
  if (input.references.length === 0) return own;
  const byId = new Map(history.flatMap((item) => (typeof item.id === 'string' ? [[item.id, item] as const] : [])));
  const out: Item[] = [];
  let next = 0;
  for (const ref of input.references) {
    while (next < ref.before) out.push(own[next++]!);
    const item = byId.get(ref.id);
    if (item === undefined) {
      throw new LinguaError('not_found', `Item with id '${ref.id}' not found. An item reference names an item of the conversation that 'previous_response_id' continues.`, { param: `input[${ref.at}]`, code: 'item_not_found' });
    }
    out.push(item);
  }
  while (next < own.length) out.push(own[next++]!);
  return out;
}

function userMessage(text: string): Item {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

/**
 * Keeps a finished response (the protocol's `keep`, and the stream's): the
 * response object as the client got it, the conversation it answered (each
 * item with an id, as `input_items` lists them) and its sealed reasoning.
 */
export async function keepResponse(context: ResponsesContext, response: Record<string, unknown>): Promise<void> {
  const { state } = context;
  if (!context.store || state === undefined) return;
  const { input } = context;
  const conversation = context.conversation ?? withReferences(input, []);
  const kept: KeptResponse = {
    id: response.id as string,
    createdAt: Date.now(),
    model: response.model as string,
    previousResponseId: input.previousResponseId ?? null,
    response,
    inputItems: conversation.map(withId),
    ...(context.kept.size === 0 ? {} : { sealed: Object.fromEntries(context.kept) }),
  };
  await state.put(kept);
}

function withId(item: Item): Item {
  if (typeof item.id === 'string') return item;
  return { id: item.type === 'message' || item.type === undefined ? newItemId.message() : newItemId.inputItem(), ...item };
}
