import type { ToolResultPart } from '../../canonical/index.js';

type ResultPart = Exclude<ToolResultPart['content'], string>[number];

/**
 * One canonical tool message's results as OpenAI messages, added to `out`:
 * a `tool` message per result, then, when results held more than text (an
 * Anthropic client's screenshot inside a `tool_result`), one `user` message
 * carrying those parts, each result's introduced by its call id. Chat
 * Completions takes only text in a tool message, and nothing may come
 * between an assistant's tool calls and their tool messages: so the
 * attachments wait until every result of the turn is in.
 */
export function addToolResults(results: readonly ToolResultPart[], out: Record<string, unknown>[], toContent: (parts: ResultPart[]) => unknown): void {
  const attached: ResultPart[] = [];
  for (const r of results) {
    if (typeof r.content === 'string') {
      out.push({ role: 'tool', tool_call_id: r.toolCallId, content: r.content });
      continue;
    }
    const text = r.content.filter((p) => p.type === 'text');
    const rest = r.content.filter((p) => p.type !== 'text');
    if (rest.length > 0) attached.push({ type: 'text', text: `Attachments of the result of tool call ${r.toolCallId}:` }, ...rest);
    const content = text.length > 0 ? toContent(text) : rest.length > 0 ? 'Its attachments follow in the next message.' : '';
    out.push({ role: 'tool', tool_call_id: r.toolCallId, content });
  }
  if (attached.length > 0) out.push({ role: 'user', content: toContent(attached) });
}
