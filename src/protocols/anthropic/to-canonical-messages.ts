import type { AssistantMessage, FieldPath, FilePart, ImagePart, Message, MessageOrigin, NativePart, TextPart, ToolResultPart, UserPart } from '../../canonical/index.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock, AnthropicToolResultContentBlock } from './request-schema.js';
import { anthropicInvalid } from './validation-error.js';

type TextBlock = AnthropicTextBlock;
type ImageBlock = Extract<AnthropicContentBlock, { type: 'image' }>;
type DocumentBlock = Extract<AnthropicContentBlock, { type: 'document' }>;

/** Where blocks may stand, a string is one text block. */
function blocks<B>(content: string | B[]): Array<B | TextBlock> {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The path of block `j` of `content` (the content itself when it is a string). */
function blockPath(base: FieldPath, content: unknown, j: number): FieldPath {
  return typeof content === 'string' ? [...base, 'content'] : [...base, 'content', j];
}

export interface CanonicalPrompt {
  messages: Message[];
  /** Where each message and part stood in the body (client-paths.ts). */
  origins: MessageOrigin[];
}

/**
 * Anthropic's `system` and `messages` as canonical messages. Every system
 * text — the top-level `system` first, then each `system` message found
 * inside `messages` (Claude Code sends one after the user turn) — is folded,
 * in order, into one leading system message: many backends' chat templates
 * refuse a system message anywhere else. A user turn's `tool_result` blocks
 * become tool messages, in place; thinking blocks become reasoning parts
 * with their signature (or redacted data) kept unchanged; documents become
 * file parts, and blocks only Anthropic can take (search results, server
 * tools' calls and results) native parts.
 */
export function toCanonicalMessages(system: string | TextBlock[] | undefined, messages: AnthropicMessage[]): CanonicalPrompt {
  const systemParts: TextPart[] = system === undefined ? [] : blocks(system).map(toText);
  const systemPaths: FieldPath[] = system === undefined ? [] : blocks(system).map((_, k) => typeof system === 'string' ? ['system'] : ['system', k]);
  const out: CanonicalPrompt = { messages: [], origins: [] };
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        blocks(m.content).forEach((block, j) => {
          if (block.type !== 'text') throw wrongBlock(i, j, block.type, 'system');
          systemParts.push(toText(block));
          systemPaths.push(blockPath(['messages', i], m.content, j));
        });
        break;
      case 'user':
        userMessages(m.content, i, out);
        break;
      case 'assistant':
        out.messages.push(assistantMessage(m.content, i));
        out.origins.push({ path: ['messages', i], parts: blocks(m.content).map((_, j) => blockPath(['messages', i], m.content, j)) });
        break;
    }
  });
  if (systemParts.length > 0) {
    out.messages.unshift({ role: 'system', content: systemParts });
    out.origins.unshift({ path: ['system'], parts: systemPaths });
  }
  return out;
}

function toText(block: TextBlock): TextPart {
  return { type: 'text', text: block.text };
}

function toImage(block: ImageBlock): ImagePart {
  const s = block.source;
  return { type: 'image', url: s.type === 'base64' ? `data:${s.media_type};base64,${s.data}` : s.url };
}

function native(block: { type: string }): NativePart {
  return { type: 'native', native: { protocol: 'anthropic', kind: block.type, block: block as Record<string, unknown> } };
}

/**
 * A document as a file part where another backend can read it as it is
 * (a PDF, a plain text, a URL); one whose citations are on, or whose
 * source is content blocks or a Files API id, only Anthropic can serve.
 */
function toDocument(block: DocumentBlock): FilePart | NativePart {
  const s = block.source;
  if (block.citations?.enabled === true || s.type === 'content' || s.type === 'file') return native(block);
  const kept = { protocol: 'anthropic' as const, kind: 'document', block: block as Record<string, unknown> };
  const title = block.title == null ? {} : { filename: block.title };
  switch (s.type) {
    case 'base64': return { type: 'file', source: { type: 'base64', mediaType: s.media_type, data: s.data }, ...title, native: kept };
    case 'text': return { type: 'file', source: { type: 'text', text: s.data }, ...title, native: kept };
    case 'url': return { type: 'file', source: { type: 'url', url: s.url }, ...title, native: kept };
  }
}

/** A user-side block (a user turn's, a tool result's) as a canonical part. */
function userPart(block: AnthropicToolResultContentBlock): UserPart {
  switch (block.type) {
    case 'text': return toText(block);
    case 'image': return toImage(block);
    case 'document': return toDocument(block);
    case 'search_result': return native(block);
  }
}

/** A user turn: runs of content blocks as user messages, runs of tool results as tool messages, in order. */
function userMessages(content: AnthropicMessage['content'], i: number, out: CanonicalPrompt): void {
  let user: UserPart[] | undefined;
  let results: ToolResultPart[] | undefined;
  let paths: FieldPath[] = [];
  const start = out.messages.length;
  blocks(content).forEach((block, j) => {
    const at = blockPath(['messages', i], content, j);
    switch (block.type) {
      case 'text':
      case 'image':
      case 'document':
      case 'search_result':
        results = undefined;
        if (user === undefined) {
          out.messages.push({ role: 'user', content: (user = []) });
          out.origins.push({ path: ['messages', i], parts: (paths = []) });
        }
        user.push(userPart(block));
        paths.push(at);
        break;
      case 'tool_result': {
        user = undefined;
        if (results === undefined) {
          out.messages.push({ role: 'tool', content: (results = []) });
          out.origins.push({ path: ['messages', i], parts: (paths = []) });
        }
        results.push({ type: 'tool_result', toolCallId: block.tool_use_id, content: toolResultContent(block), ...(block.is_error == null ? {} : { isError: block.is_error }) });
        paths.push(at);
        break;
      }
      default:
        throw wrongBlock(i, j, block.type, 'user');
    }
  });
  // An empty content array is still a (blank) user turn.
  if (out.messages.length === start) {
    out.messages.push({ role: 'user', content: [] });
    out.origins.push({ path: ['messages', i], parts: [] });
  }
}

/** A result's content: one text as a plain string (the form every backend takes), else its parts. */
function toolResultContent(block: Extract<AnthropicContentBlock, { type: 'tool_result' }>): ToolResultPart['content'] {
  const parts = block.content ?? [];
  if (typeof parts === 'string') return parts;
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts.map(userPart);
}

function assistantMessage(content: AnthropicMessage['content'], i: number): AssistantMessage {
  const out: AssistantMessage['content'] = [];
  blocks(content).forEach((block, j) => {
    switch (block.type) {
      case 'text':
        out.push(toText(block));
        break;
      case 'thinking':
        out.push({ type: 'reasoning', text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
        break;
      case 'redacted_thinking':
        out.push({ type: 'reasoning', text: '', redacted: block.data });
        break;
      case 'tool_use':
        out.push({ type: 'tool_call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
        break;
      case 'server_tool_use':
      case 'web_search_tool_result':
      case 'web_fetch_tool_result':
      case 'code_execution_tool_result':
      case 'bash_code_execution_tool_result':
      case 'text_editor_code_execution_tool_result':
      case 'tool_search_tool_result':
      case 'mcp_tool_use':
      case 'mcp_tool_result':
      case 'container_upload':
        out.push(native(block));
        break;
      default:
        throw wrongBlock(i, j, block.type, 'assistant');
    }
  });
  return { role: 'assistant', content: out };
}

function wrongBlock(i: number, j: number, type: string, role: string) {
  return anthropicInvalid(['messages', i, 'content', j, 'type'], `'${type}' blocks are not allowed in '${role}' messages`);
}
