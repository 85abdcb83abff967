import type { Message, ToolDefinition } from '../canonical/index.js';
import type { SearchHit } from './search-backend.js';

export const webSearchToolName = 'web_search';

/** The tool the model is given when Lingua searches for it. */
export const webSearchTool: ToolDefinition = {
  name: webSearchToolName,
  description: 'Search the web for current information. Returns numbered results (title, URL, snippet); cite them in the answer as [n].',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'What to search for.' } },
    required: ['query'],
  },
};

const maxQueryLength = 400;

/** The text of the last user message: the query of a forced search. */
export function lastUserText(messages: readonly Message[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'user') continue;
    const text = m.content.flatMap((p) => p.type === 'text' ? [p.text] : []).join('\n').trim();
    if (text !== '') return text.slice(0, maxQueryLength);
  }
  return undefined;
}

/** The `query` of a web_search call's arguments, or undefined when they have none. */
export function queryOf(args: string): string | undefined {
  try {
    const query = (JSON.parse(args) as { query?: unknown } | null)?.query;
    return typeof query === 'string' && query.trim() !== '' ? query.trim().slice(0, maxQueryLength) : undefined;
  } catch {
    return undefined;
  }
}

/** Results as the tool result the model reads, numbered from `first`. */
export function formatResults(query: string, hits: readonly SearchHit[], first: number): string {
  if (hits.length === 0) return `No web results for "${query}".`;
  const entries = hits.map((h, i) => `[${first + i}] ${h.title}\n${h.url}\n${h.snippet}`.trimEnd());
  return `Web results for "${query}":\n\n${entries.join('\n\n')}`;
}
