import type { AssistantMessage, FieldPath, FilePart, ImagePart, Message, MessageOrigin, ReasoningPart, TextPart, ToolMessage, ToolResultPart } from '../../canonical/index.js';
import { invalidRequest } from '../../canonical/index.js';
import { base64DataUrl } from '../../lib/data-url.js';
import { formatPath } from '../../lib/format-path.js';
import { qualifiedName } from './tool-names.js';
import type { InputContent, ResponsesInputItem } from './request-schema.js';
import type { SealedReasoning } from './responses-request.js';

/** Canonical messages, and where each message and part stood in the body (canonical/client-paths.ts). */
export interface ResponsesPrompt {
  messages: Message[];
  origins: MessageOrigin[];
}

/**
 * `instructions` and `input` as canonical messages. `instructions` is the
 * first system message; a string `input` is one user message. Consecutive
 * assistant-side items (reasoning, assistant messages, function and custom
 * tool calls) make one assistant message, in order, and consecutive tool
 * outputs one tool message: a turn of the history stays one turn (the
 * backend sees the calls beside the text and reasoning that led to them).
 * Reasoning sent back as `encrypted_content` is added to `sealed`, to be
 * opened with the caller's key (state.ts). `at` names item i as the client
 * wrote it; each part's origin is its item, or its place in the item's content.
 */
export function toCanonicalMessages(
  instructions: string | null | undefined,
  input: string | readonly ResponsesInputItem[],
  sealed: SealedReasoning[],
  at: (i: number) => FieldPath = (i) => ['input', i],
): ResponsesPrompt {
  const messages: Message[] = [];
  const origins: MessageOrigin[] = [];
  const add = (m: Message, path: FieldPath, parts: FieldPath[]): void => {
    messages.push(m);
    origins.push({ path, parts });
  };
  if (instructions != null && instructions !== '') add({ role: 'system', content: [{ type: 'text', text: instructions }] }, ['instructions'], [['instructions']]);
  if (typeof input === 'string') {
    add({ role: 'user', content: [{ type: 'text', text: input }] }, ['input'], [['input']]);
    return { messages, origins };
  }
  let assistant: AssistantMessage | undefined;
  let tool: ToolMessage | undefined;
  /** The parts' origins of the open assistant or tool turn. */
  let turnParts: FieldPath[] = [];
  const assistantTurn = (path: FieldPath): AssistantMessage => {
    tool = undefined;
    if (assistant === undefined) {
      assistant = { role: 'assistant', content: [] };
      turnParts = [];
      add(assistant, path, turnParts);
    }
    return assistant;
  };
  const assistantPart = (part: AssistantMessage['content'][number], path: FieldPath): void => {
    assistantTurn(path).content.push(part);
    turnParts.push(path);
  };
  const toolResult = (part: ToolResultPart, path: FieldPath): void => {
    assistant = undefined;
    if (tool === undefined) {
      tool = { role: 'tool', content: [] };
      turnParts = [];
      add(tool, path, turnParts);
    }
    tool.content.push(part);
    turnParts.push(path);
  };
  const other = (m: Message, path: FieldPath, parts: FieldPath[]): void => {
    assistant = undefined;
    tool = undefined;
    add(m, path, parts);
  };
  const contentPaths = (path: FieldPath, content: string | readonly unknown[]): FieldPath[] =>
    (typeof content === 'string' ? [[...path, 'content']] : content.map((_, j) => [...path, 'content', j]));

  input.forEach((item, i) => {
    const path = at(i);
    const where = formatPath(path);
    switch (item.type) {
      case undefined:
      case 'message':
        if (item.role === 'assistant') {
          const parts = typeof item.content === 'string' ? [{ type: 'output_text' as const, text: item.content }] : item.content;
          assistantTurn(path);
          parts.forEach((p, j) => {
            const t = p.type === 'refusal' ? p.refusal : p.text;
            if (t !== '') assistantPart({ type: 'text', text: t }, typeof item.content === 'string' ? [...path, 'content'] : [...path, 'content', j]);
          });
        } else if (item.role === 'user') {
          other({ role: 'user', content: userContent(item.content, `${where}.content`) }, path, contentPaths(path, item.content));
        } else {
          other({ role: 'system', content: systemContent(item.content, `${where}.content`) }, path, contentPaths(path, item.content));
        }
        return;
      case 'function_call':
        assistantPart({ type: 'tool_call', id: item.call_id, name: qualifiedName(item.namespace, item.name), arguments: item.arguments }, path);
        return;
      case 'custom_tool_call':
        // A custom tool is a one-string-argument function to the backend (tools.ts).
        assistantPart({ type: 'tool_call', id: item.call_id, name: qualifiedName(item.namespace, item.name), arguments: JSON.stringify({ input: item.input }) }, path);
        return;
      case 'function_call_output':
      case 'custom_tool_call_output':
        toolResult({ type: 'tool_result', toolCallId: item.call_id, content: typeof item.output === 'string' ? item.output : userContent(item.output, `${where}.output`) }, path);
        return;
      case 'reasoning': {
        const part = reasoningPart(item, where, sealed);
        if (part !== undefined) assistantPart(part, path);
        return;
      }
      case 'web_search_call':
        // A search the API ran earlier: the item carries the query, not the results, so there is nothing to send.
        return;
    }
  });
  return { messages, origins };
}

type ReasoningItem = Extract<ResponsesInputItem, { type: 'reasoning' }>;

/**
 * A reasoning item as canonical reasoning: Lingua's own `encrypted_content`
 * gives the backend's reasoning back exactly (signature included); else the
 * raw reasoning text, else the summary. An item with none of them (a
 * reasoning item sent back without `include`) holds nothing to send.
 */
function reasoningPart(item: ReasoningItem, at: string, sealed: SealedReasoning[]): ReasoningPart | undefined {
  const content = (item.content ?? []).map((c) => c.text).join('');
  const summary = item.summary.map((s) => s.text).join('\n\n');
  const text = content || summary;
  if (item.encrypted_content != null) {
    const part: ReasoningPart = { type: 'reasoning', text };
    sealed.push({ part, token: item.encrypted_content, param: `${at}.encrypted_content` });
    return part;
  }
  return text === '' ? undefined : { type: 'reasoning', text };
}

function userContent(content: string | readonly InputContent[], at: string): Array<TextPart | ImagePart | FilePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p, j): TextPart | ImagePart | FilePart => {
    switch (p.type) {
      case 'input_text':
        return { type: 'text', text: p.text };
      case 'input_image': {
        if (p.image_url == null) {
          throw invalidRequest(
            `Invalid '${at}[${j}]': an image must be given as 'image_url' (an https or data: URL); this server has no Files API for 'file_id'.`,
            `${at}[${j}].image_url`, 'invalid_request_error',
          );
        }
        const detail = p.detail == null ? undefined : p.detail === 'original' ? 'high' : p.detail;
        return { type: 'image', url: p.image_url, ...(detail === undefined ? {} : { detail }) };
      }
      case 'input_file':
        return filePart(p, `${at}[${j}]`);
    }
  });
}

type InputFile = Extract<InputContent, { type: 'input_file' }>;

/**
 * An `input_file` as a canonical file: `file_data` (a base64 data URL),
 * `file_url` or `file_id`, in that order; each backend sends it in its own
 * terms or refuses it by name (a PDF becomes a Chat `file` part or an
 * Anthropic `document`, plain text becomes text).
 */
function filePart(p: InputFile, at: string): FilePart {
  const name = p.filename == null ? {} : { filename: p.filename };
  const native = { protocol: 'responses' as const, kind: 'input_file', block: p as Record<string, unknown> };
  if (p.file_data != null) {
    const data = base64DataUrl(p.file_data);
    if (data === undefined) throw invalidRequest(`Invalid '${at}.file_data': expected a base64 data URL (data:<media type>;base64,<data>).`, `${at}.file_data`, 'invalid_value');
    return { type: 'file', source: { type: 'base64', ...data }, ...name, native };
  }
  if (p.file_url != null) return { type: 'file', source: { type: 'url', url: p.file_url }, ...name, native };
  if (p.file_id != null) return { type: 'file', source: { type: 'file_id', fileId: p.file_id }, ...name, native };
  throw invalidRequest(`Invalid '${at}': one of 'file_data', 'file_url' or 'file_id' is required.`, at, 'missing_required_parameter');
}

function systemContent(content: string | readonly InputContent[], at: string): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p, j) => {
    if (p.type !== 'input_text') {
      throw invalidRequest(`Invalid '${at}[${j}].type': system and developer messages hold text only ('input_text').`, `${at}[${j}].type`, 'invalid_request_error');
    }
    return { type: 'text', text: p.text };
  });
}
