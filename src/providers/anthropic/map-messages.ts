import { invalidRequest, partPath, refusePart, type AssistantMessage, type ImagePart, type Message, type TextPart, type ToolResultPart } from '../../canonical/index.js';
import { base64DataUrl } from '../../lib/data-url.js';
import { toAnthropicPart } from './map-part.js';

type Block = Record<string, unknown>;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

export interface AnthropicPrompt {
  /** Top-level `system`: a string for one text, else text blocks. */
  system?: string | Block[];
  messages: AnthropicMessage[];
}

/**
 * Canonical messages as Anthropic's `system` + `messages`:
 * - every system message (wherever it stands) joins the top-level `system`;
 * - tool results become `tool_result` blocks of a user turn;
 * - consecutive turns of one role are merged (tool results first), so roles
 *   alternate as stricter Anthropic-compatible servers require;
 * - reasoning goes back as `thinking` blocks with its signature unchanged, or
 *   `redacted_thinking`; reasoning without a signature (from another
 *   backend) cannot be verified by Anthropic and is left out, and an
 *   assistant turn left empty by that is left out too;
 * - a lone text is sent as a plain string (the form seed 001 documents).
 */
export function toAnthropicPrompt(messages: readonly Message[]): AnthropicPrompt {
  const system: Block[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; blocks: Block[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const [i, m] of messages.entries()) {
    switch (m.role) {
      case 'system': system.push(...m.content.map(textBlock)); break;
      case 'user': push('user', m.content.map((p, j) => toAnthropicPart(p, partPath(i, j), imageBlock))); break;
      case 'assistant': push('assistant', assistantBlocks(m, i)); break;
      case 'tool': push('user', m.content.map((r, j) => toolResultBlock(r, i, j))); break;
    }
  }
  const prompt: AnthropicPrompt = {
    messages: turns.map((t) => ({ role: t.role, content: compact(t.role === 'user' ? toolResultsFirst(t.blocks) : t.blocks) })),
  };
  if (system.length > 0) prompt.system = compact(system);
  return prompt;
}

function textBlock(p: TextPart): Block {
  return { type: 'text', text: p.text };
}

/** An image part: `data:` URLs as base64 sources, http(s) URLs as URL sources. */
function imageBlock(p: ImagePart, at: string): Block {
  if (!p.url.startsWith('data:')) return { type: 'image', source: { type: 'url', url: p.url } };
  const data = base64DataUrl(p.url);
  if (data === undefined) throw invalidRequest(`Invalid '${at}': image data URLs must be base64-encoded (data:<media type>;base64,<data>).`, at, 'invalid_image_url');
  return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.data } };
}

function toolResultBlock(r: ToolResultPart, i: number, j: number): Block {
  const block: Block = {
    type: 'tool_result',
    tool_use_id: r.toolCallId,
    content: typeof r.content === 'string' ? r.content : r.content.map((p, k) => toAnthropicPart(p, partPath(i, j, 'content', k), imageBlock)),
  };
  if (r.isError === true) block.is_error = true;
  return block;
}

function assistantBlocks(m: AssistantMessage, i: number): Block[] {
  const blocks: Block[] = [];
  for (const [j, p] of m.content.entries()) {
    switch (p.type) {
      case 'text':
        if (p.text !== '') blocks.push(textBlock(p));
        break;
      case 'reasoning':
        if (p.redacted !== undefined) blocks.push({ type: 'redacted_thinking', data: p.redacted });
        else if (p.signature !== undefined) blocks.push({ type: 'thinking', thinking: p.text, signature: p.signature });
        break;
      case 'tool_call':
        blocks.push({ type: 'tool_use', id: p.id, name: p.name, input: toolInput(p.id, p.arguments, partPath(i, j, 'arguments')) });
        break;
      case 'native':
        if (p.native.protocol !== 'anthropic') throw refusePart(partPath(i, j, 'type'), p.native.kind, 'Anthropic Messages API');
        blocks.push({ ...p.native.block });
        break;
    }
  }
  return blocks;
}

/** Tool-call arguments (a JSON text) as the object Anthropic's `input` must be. */
function toolInput(id: string, args: string, at: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  let input: unknown;
  try { input = JSON.parse(args); } catch { input = undefined; }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidRequest(`Invalid '${at}': the arguments of tool call '${id}' must be a JSON object.`, at, 'invalid_tool_arguments');
  }
  return input as Record<string, unknown>;
}

/** Anthropic wants `tool_result` blocks before anything else in a user turn. */
function toolResultsFirst(blocks: Block[]): Block[] {
  return [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
}

function compact(blocks: Block[]): string | Block[] {
  const only = blocks.length === 1 ? blocks[0] : undefined;
  return only?.type === 'text' && Object.keys(only).length === 2 ? only.text as string : blocks;
}
