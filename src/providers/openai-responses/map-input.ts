import { partPath, refusePart, type AssistantMessage, type Message, type ReasoningPart, type TextPart, type ToolResultPart, type UserPart } from '../../canonical/index.js';

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
  for (const [i, m] of messages.entries()) {
    if (m.role === 'system' && out.input.length === 0) {
      leading.push(textOf(m.content));
      continue;
    }
    switch (m.role) {
      case 'system':
        out.input.push({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: textOf(m.content) }] });
        break;
      case 'user':
        out.input.push({ type: 'message', role: 'user', content: m.content.map((p, j) => inputPart(p, () => partPath(i, j, 'type'))) });
        break;
      case 'assistant':
        addAssistant(m, i, out.input);
        break;
      case 'tool':
        m.content.forEach((r, j) => out.input.push(toolOutput(r, i, j)));
    }
  }
  if (leading.length > 0) out.instructions = leading.join('\n\n');
  return out;
}

function textOf(parts: readonly TextPart[]): string {
  return parts.map((p) => p.text).join('\n\n');
}

const backend = 'OpenAI Responses API';

/** A user part as an input content part; `at` names it for a refusal. */
function inputPart(p: UserPart, at: () => string): Item {
  switch (p.type) {
    case 'text': return { type: 'input_text', text: p.text };
    // `detail` is required by the API; `auto` is its default.
    case 'image': return { type: 'input_image', image_url: p.url, detail: p.detail ?? 'auto' };
    case 'native': throw refusePart(at(), p.native.kind, backend);
    case 'file': {
      const s = p.source;
      const name = p.filename === undefined ? {} : { filename: p.filename };
      switch (s.type) {
        case 'text': return { type: 'input_text', text: s.text };
        case 'base64': return { type: 'input_file', file_data: `data:${s.mediaType};base64,${s.data}`, ...name };
        case 'url': return { type: 'input_file', file_url: s.url, ...name };
        case 'file_id':
          // An OpenAI file id; another API's ids mean nothing here.
          if (p.native?.protocol === 'openai' || p.native?.protocol === 'responses') return { type: 'input_file', file_id: s.fileId };
          throw refusePart(at(), `${p.native?.kind ?? 'file'} (file id)`, backend);
      }
    }
  }
}

/** Consecutive text parts make one assistant message; reasoning and calls stay where they were. */
function addAssistant(m: AssistantMessage, i: number, out: Item[]): void {
  let text: string | undefined;
  const flush = (): void => {
    if (text !== undefined) out.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
    text = undefined;
  };
  for (const [j, p] of m.content.entries()) {
    if (p.type === 'text') {
      text = (text ?? '') + p.text;
      continue;
    }
    flush();
    if (p.type === 'native') throw refusePart(partPath(i, j, 'type'), p.native.kind, backend);
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

function toolOutput(r: ToolResultPart, i: number, j: number): Item {
  return { type: 'function_call_output', call_id: r.toolCallId, output: typeof r.content === 'string' ? r.content : r.content.map((p, k) => inputPart(p, () => partPath(i, j, 'content', k, 'type'))) };
}
