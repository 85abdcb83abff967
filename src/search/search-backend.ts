/** One web search result, as given to the model and returned to the client. */
export interface SearchHit {
  title: string;
  url: string;
  snippet: string;
}

/** A web search API. Failures are LinguaErrors (502 `search_failed`, 504 on timeout). */
export interface SearchBackend {
  search(query: string, signal: AbortSignal): Promise<SearchHit[]>;
  close(): Promise<void>;
}
