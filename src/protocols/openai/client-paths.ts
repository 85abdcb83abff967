import type { FieldPath, MessageOrigin } from '../../canonical/index.js';
import type { ChatCompletionMessage } from './request-schema.js';

/**
 * Where each canonical message's parts stand in a Chat body (decode.ts
 * makes message i of message i): a user's content parts one for one; a
 * tool message's one result, the message itself; an assistant's reasoning
 * (signed blocks or `reasoning_content`), then its text, then each tool
 * call. Read as decode.ts builds the parts, and with its conditions.
 */
export function chatOrigin(m: ChatCompletionMessage, i: number): MessageOrigin {
  const at: FieldPath = ['messages', i];
  const parts: FieldPath[] = [];
  switch (m.role) {
    case 'system':
    case 'developer':
    case 'user':
      if (typeof m.content === 'string') parts.push([...at, 'content']);
      else m.content.forEach((_, j) => parts.push([...at, 'content', j]));
      break;
    case 'tool':
      parts.push(at);
      break;
    case 'assistant': {
      const blocks = (m as { thinking_blocks?: unknown[] | null }).thinking_blocks;
      if (blocks != null && blocks.length > 0) blocks.forEach((_, k) => parts.push([...at, 'thinking_blocks', k]));
      else if (m.reasoning_content != null && m.reasoning_content !== '') parts.push([...at, 'reasoning_content']);
      if (typeof m.content === 'string') {
        if (m.content !== '') parts.push([...at, 'content']);
      } else if (m.content != null) m.content.forEach((_, j) => parts.push([...at, 'content', j]));
      (m.tool_calls ?? []).forEach((_, k) => parts.push([...at, 'tool_calls', k, 'function']));
    }
  }
  return { path: at, parts };
}
