import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import { invalidRequest, partPath, refusePart, type Message, type TextPart } from '../../canonical/index.js';

/**
 * Canonical messages as node-llama-cpp chat history, which the model's chat
 * template then renders. An assistant turn with tool calls and the tool
 * results that follow it become one model response (calls carry their
 * results), as node-llama-cpp expects. The history always ends with the
 * model response to generate: a new empty one after a user turn, or the
 * open one to continue (after tool results, or an assistant prefill).
 */
export function toChatHistory(messages: readonly Message[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  let open: ChatModelResponse | undefined;

  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        history.push({ type: 'system', text: joinText(m.content) });
        open = undefined;
        break;
      case 'user': {
        const image = m.content.findIndex((p) => p.type === 'image');
        if (image >= 0) throw invalidRequest('This model reads text only; remove the image parts of the messages.', `messages[${i}].content[${image}]`, 'unsupported_content');
        const other = m.content.findIndex((p) => p.type !== 'text');
        if (other >= 0) throw refusePart(partPath(i, other, 'type'), kindOf(m.content[other]!), backend);
        history.push({ type: 'user', text: joinText(m.content as TextPart[]) });
        open = undefined;
        break;
      }
      case 'assistant': {
        // After tool results the assistant carries on in the same response.
        let response = messages[i - 1]?.role === 'tool' ? open : undefined;
        if (response === undefined) {
          response = { type: 'model', response: [] };
          history.push(response);
        }
        open = response;
        for (const [j, p] of m.content.entries()) {
          if (p.type === 'text') response.response.push(p.text);
          else if (p.type === 'reasoning') response.response.push({ type: 'segment', segmentType: 'thought', text: p.text, ended: true });
          else if (p.type === 'native') throw refusePart(partPath(i, j, 'type'), p.native.kind, backend);
          else {
            const call: ChatModelFunctionCall = { type: 'functionCall', name: p.name, params: parseArguments(p.arguments, `messages[${i}].tool_calls[${j}].function.arguments`), result: undefined };
            calls.set(p.id, call);
            response.response.push(call);
          }
        }
        break;
      }
      case 'tool':
        for (const r of m.content) {
          const call = calls.get(r.toolCallId);
          if (call === undefined) throw invalidRequest(`No assistant tool call has the id '${r.toolCallId}'.`, `messages[${i}].tool_call_id`);
          call.result = resultValue(typeof r.content === 'string' ? r.content : joinText(r.content.filter((p): p is TextPart => p.type === 'text')));
        }
        break;
    }
  });
  const last = history.at(-1);
  if (last?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

const backend = 'the local engine';

/** A part's type as the client named it. */
function kindOf(p: Exclude<Message, { role: 'system' | 'tool' | 'assistant' }>['content'][number]): string {
  return p.type === 'native' ? p.native.kind : p.type === 'file' ? p.native?.kind ?? 'file' : p.type;
}

function joinText(parts: readonly TextPart[]): string {
  return parts.map((p) => p.text).join('\n\n');
}

/**
 * node-llama-cpp renders a tool result as a JSON value: a result that is a
 * JSON text goes in as that value, any other text as a JSON string.
 */
function resultValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseArguments(text: string, param: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw invalidRequest('Tool call arguments must be a JSON text.', param);
  }
}
