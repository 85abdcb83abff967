import { LinguaError, type ChatRequest, type Message, type StreamEvent, type ToolCallPart, type ToolChoice, type ToolResultPart } from '../canonical/index.js';
import { newToolCallId } from '../lib/ids.js';
import { AssistantTurn } from './assistant-turn.js';
import type { SearchBackend } from './search-backend.js';
import type { SearchSource } from './search-sources.js';
import { UsageTotal } from './usage-total.js';
import { formatResults, lastUserText, queryOf, webSearchTool, webSearchToolName } from './web-search-tool.js';

export interface SearchLoopOptions {
  /** The client's request, without `enable_search` / `search_options`. */
  request: ChatRequest;
  /** `search_options.forced_search`: search the last user message before the first model call. */
  forced: boolean;
  backend: SearchBackend;
  /** Searches allowed for the request (forced and asked for alike). */
  maxSearches: number;
  /** One model call (the router's stream). */
  generate: (request: ChatRequest) => AsyncIterable<StreamEvent>;
  signal: AbortSignal;
  /** Filled as searches run; read by the response encoders. */
  sources: SearchSource[];
}

type CallRoute = { search: ToolCallPart } | { client: number };

/**
 * Server-side web search around a model. The model gets a `web_search`
 * tool; its text and reasoning stream to the client as they come, while
 * its web_search calls are kept from the client: Lingua runs each query,
 * adds the call and its results to the conversation and calls the model
 * again, until it answers without searching. Bounded: after `maxSearches`
 * searches a call is answered "limit reached" and the next round may not
 * use tools; a model that still calls web_search is a 502. Only the final
 * round's `finish` reaches the client, then one usage summing every call.
 * A round that calls client tools ends the loop (the client must run them);
 * web_search calls made beside them are dropped.
 */
export async function* searchLoop(o: SearchLoopOptions): AsyncGenerator<StreamEvent> {
  const messages: Message[] = [...o.request.messages];
  const usage = new UsageTotal();
  let searches = 0;
  const search = async (callId: string, query: string): Promise<ToolResultPart> => {
    searches++;
    const hits = await o.backend.search(query, o.signal);
    const first = o.sources.length + 1;
    hits.forEach((h, i) => o.sources.push({ index: first + i, ...h, query }));
    return { type: 'tool_result', toolCallId: callId, content: formatResults(query, hits, first) };
  };

  const forcedQuery = o.forced ? lastUserText(messages) : undefined;
  if (forcedQuery !== undefined) {
    const call: ToolCallPart = { type: 'tool_call', id: newToolCallId(), name: webSearchToolName, arguments: JSON.stringify({ query: forcedQuery }) };
    messages.push({ role: 'assistant', content: [call] }, { role: 'tool', content: [await search(call.id, forcedQuery)] });
  }

  let toolChoice: ToolChoice | undefined = o.request.toolChoice;
  let limitReached = false;
  for (;;) {
    const request: ChatRequest = { ...o.request, messages, tools: [...(o.request.tools ?? []), webSearchTool] };
    if (toolChoice !== undefined) request.toolChoice = toolChoice;
    const turn = new AssistantTurn();
    const routes = new Map<number, CallRoute>();
    const searchCalls: ToolCallPart[] = [];
    let clientCalls = 0;
    for await (const e of o.generate(request)) {
      switch (e.type) {
        case 'text': turn.text(e.text); yield e; break;
        case 'reasoning': turn.reasoning(e.text); yield e; break;
        case 'reasoning_signature': turn.signature(e.signature); yield e; break;
        case 'reasoning_redacted': turn.redacted(e.data); yield e; break;
        case 'tool_call_start':
          if (e.name === webSearchToolName) {
            const call: ToolCallPart = { type: 'tool_call', id: e.id, name: e.name, arguments: '' };
            routes.set(e.index, { search: call });
            searchCalls.push(call);
          } else {
            const index = clientCalls++;
            routes.set(e.index, { client: index });
            yield { ...e, index };
          }
          break;
        case 'tool_call_delta': {
          const route = routes.get(e.index);
          if (route === undefined) break;
          if ('search' in route) route.search.arguments += e.arguments;
          else yield { ...e, index: route.client };
          break;
        }
        case 'finish':
          if (searchCalls.length === 0 || clientCalls > 0) yield e;
          break;
        case 'usage': usage.add(e.usage); break;
        case 'error': yield e; return;
      }
    }
    if (searchCalls.length === 0 || clientCalls > 0) {
      if (usage.total !== undefined) yield { type: 'usage', usage: usage.total };
      return;
    }
    if (limitReached) {
      throw new LinguaError('upstream', `the model kept calling ${webSearchToolName} after its limit of ${o.maxSearches} searches`, { code: 'search_limit' });
    }
    const results: ToolResultPart[] = [];
    for (const call of searchCalls) {
      turn.toolCall(call);
      const query = queryOf(call.arguments);
      if (searches >= o.maxSearches) {
        limitReached = true;
        results.push({ type: 'tool_result', toolCallId: call.id, content: `Search limit reached (${o.maxSearches} searches). Answer with the results you already have.`, isError: true });
      } else if (query === undefined) {
        searches++;
        results.push({ type: 'tool_result', toolCallId: call.id, content: `${webSearchToolName} needs a JSON object {"query": "<what to search for>"}.`, isError: true });
      } else {
        results.push(await search(call.id, query));
      }
    }
    messages.push(turn.message(), { role: 'tool', content: results });
    if (limitReached) toolChoice = 'none';
  }
}
