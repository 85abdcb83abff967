import type { AssistantMessage, ImagePart, Message, TextPart, ToolResultPart } from '../../canonical/index.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicTextBlock } from './request-schema.js';
import { anthropicInvalid } from './validation-error.js';

type TextBlock = AnthropicTextBlock;
type ImageBlock = Extract<AnthropicContentBlock, { type: 'image' }>;

/** Where blocks may stand, a string is one text block. */
function blocks<B>(content: string | B[]): Array<B | TextBlock> {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * Anthropic's `system` and `messages` as canonical messages. Every system
 * text — the top-level `system` first, then each `system` message found
 * inside `messages` (Claude Code sends one after the user turn) — is folded,
 * in order, into one leading system message: many backends' chat templates
 * refuse a system message anywhere else. A user turn's `tool_result` blocks
 * become tool messages, in place; thinking blocks become reasoning parts
 * with their signature (or redacted data) kept unchanged.
 */
export function toCanonicalMessages(system: string | TextBlock[] | undefined, messages: AnthropicMessage[]): Message[] {
  const systemParts: TextPart[] = system === undefined ? [] : blocks(system).map(toText);
  const out: Message[] = [];
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        blocks(m.content).forEach((block, j) => {
          if (block.type !== 'text') throw wrongBlock(i, j, block.type, 'system');
          systemParts.push(toText(block));
        });
        break;
      case 'user':
        out.push(...userMessages(blocks(m.content), i));
        break;
      case 'assistant':
        out.push(assistantMessage(blocks(m.content), i));
        break;
    }
  });
  if (systemParts.length > 0) out.unshift({ role: 'system', content: systemParts });
  return out;
}

function toText(block: TextBlock): TextPart {
  return { type: 'text', text: block.text };
}

function toImage(block: ImageBlock): ImagePart {
  const s = block.source;
  return { type: 'image', url: s.type === 'base64' ? `data:${s.media_type};base64,${s.data}` : s.url };
}

/** A user turn: runs of text/image blocks as user messages, runs of tool results as tool messages, in order. */
function userMessages(blocks: AnthropicContentBlock[], i: number): Message[] {
  const out: Message[] = [];
  let user: Array<TextPart | ImagePart> | undefined;
  let results: ToolResultPart[] | undefined;
  blocks.forEach((block, j) => {
    switch (block.type) {
      case 'text':
      case 'image':
        results = undefined;
        if (user === undefined) out.push({ role: 'user', content: (user = []) });
        user.push(block.type === 'text' ? toText(block) : toImage(block));
        break;
      case 'tool_result': {
        user = undefined;
        if (results === undefined) out.push({ role: 'tool', content: (results = []) });
        results.push({ type: 'tool_result', toolCallId: block.tool_use_id, content: toolResultContent(block), ...(block.is_error == null ? {} : { isError: block.is_error }) });
        break;
      }
      default:
        throw wrongBlock(i, j, block.type, 'user');
    }
  });
  // An empty content array is still a (blank) user turn.
  if (out.length === 0) out.push({ role: 'user', content: [] });
  return out;
}

/** A result's content: one text as a plain string (the form every backend takes), else its parts. */
function toolResultContent(block: Extract<AnthropicContentBlock, { type: 'tool_result' }>): ToolResultPart['content'] {
  const parts = block.content ?? [];
  if (typeof parts === 'string') return parts;
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0]!.type === 'text') return parts[0]!.text;
  return parts.map((p) => p.type === 'text' ? toText(p) : toImage(p));
}

function assistantMessage(blocks: AnthropicContentBlock[], i: number): AssistantMessage {
  const content: AssistantMessage['content'] = [];
  blocks.forEach((block, j) => {
    switch (block.type) {
      case 'text':
        content.push(toText(block));
        break;
      case 'thinking':
        content.push({ type: 'reasoning', text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
        break;
      case 'redacted_thinking':
        content.push({ type: 'reasoning', text: '', redacted: block.data });
        break;
      case 'tool_use':
        content.push({ type: 'tool_call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) });
        break;
      default:
        throw wrongBlock(i, j, block.type, 'assistant');
    }
  });
  return { role: 'assistant', content };
}

function wrongBlock(i: number, j: number, type: string, role: string) {
  return anthropicInvalid(['messages', i, 'content', j, 'type'], `'${type}' blocks are not allowed in '${role}' messages`);
}
