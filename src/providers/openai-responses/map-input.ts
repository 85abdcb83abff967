import type { AssistantMessage, ImagePart, Message, ReasoningPart, TextPart, ToolResultPart } from '../../canonical/index.js';

type Item = Record<string, unknown>;

/** The canonical messages as a Responses body's `instructions` and `input` items. */
export interface ResponsesInput {
  instructions?: string;
  input: Item[];
}

/**
 * System messages before the first other message become `instructions`
 * (joined by blank lines, as the chat provider joins them); later ones are
 * `developer` messages, in place. An assistant turn becomes its items in
 * order: reasoning, the message text, `function_call`s; a tool message one
 * `function_call_output` per result.
 */
export function toResponsesInput(messages: readonly Message[]): ResponsesInput {
  const out: ResponsesInput = { input: [] };
  const leading: string[] = [];
  for (const m of messages) {
    if (m.role === 'system' && out.input.length === 0) {
      leading.push(textOf(m.content));
      continue;
    }
    switch (m.role) {
      case 'system':
        out.input.push({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: textOf(m.content) }] });
        break;
      case 'user':
        out.input.push({ type: 'message', role: 'user', content: m.content.map(inputPart) });
        break;
      case 'assistant':
        addAssistant(m, out.input);
        break;
      case 'tool':
        for (const r of m.content) out.input.push(toolOutput(r));
    }
  }
  if (leading.length > 0) out.instructions = leading.join('\n\n');
  return out;
}

function textOf(parts: readonly TextPart[]): string {
  return parts.map((p) => p.text).join('\n\n');
}

function inputPart(p: TextPart | ImagePart): Item {
  // `detail` is required by the API; `auto` is its default.
  return p.type === 'text' ? { type: 'input_text', text: p.text } : { type: 'input_image', image_url: p.url, detail: p.detail ?? 'auto' };
}

/** Consecutive text parts make one assistant message; reasoning and calls stay where they were. */
function addAssistant(m: AssistantMessage, out: Item[]): void {
  let text: string | undefined;
  const flush = (): void => {
    if (text !== undefined) out.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
    text = undefined;
  };
  for (const p of m.content) {
    if (p.type === 'text') {
      text = (text ?? '') + p.text;
      continue;
    }
    flush();
    if (p.type === 'tool_call') out.push({ type: 'function_call', call_id: p.id, name: p.name, arguments: p.arguments });
    else {
      const item = reasoningItem(p);
      if (item !== undefined) out.push(item);
    }
  }
  flush();
}

/**
 * Reasoning goes back only with the encrypted content the upstream gave
 * it (kept as the part's signature, or as redacted data): with
 * `store: false` a Responses upstream accepts a reasoning item only with
 * it. Reasoning without it (shown text, another backend's thinking) has no
 * item the upstream would take, and is left out (docs/openai-responses-provider.md).
 */
function reasoningItem(p: ReasoningPart): Item | undefined {
  const encrypted = p.redacted ?? p.signature;
  if (encrypted === undefined || encrypted === '') return undefined;
  return { type: 'reasoning', summary: p.text === '' ? [] : [{ type: 'summary_text', text: p.text }], encrypted_content: encrypted };
}

function toolOutput(r: ToolResultPart): Item {
  return { type: 'function_call_output', call_id: r.toolCallId, output: typeof r.content === 'string' ? r.content : r.content.map(inputPart) };
}
