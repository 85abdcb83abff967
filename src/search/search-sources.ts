import type { StreamEncoder } from '../protocols/contract.js';

/** A search result given to the model, as the client sees it in `search_results`. */
export interface SearchSource {
  /** The number the model cites it by (`[n]`), counting from 1 across the request's searches. */
  index: number;
  title: string;
  url: string;
  snippet: string;
  /** The query that found it. */
  query: string;
}

/** A non-streaming response body with the sources as a top-level `search_results` field. */
export function withSearchResults(body: unknown, sources: readonly SearchSource[]): unknown {
  if (sources.length === 0 || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, search_results: sources };
}

/**
 * A stream encoder that sends the sources found since its last frame, as a
 * `search_results` frame (the protocol's `annotate`), before the next event
 * and before the end. Protocols without `annotate` send none.
 */
export function streamingSearchResults(encoder: StreamEncoder, sources: readonly SearchSource[]): StreamEncoder {
  let sent = 0;
  const fresh = (): string => {
    if (sent === sources.length || encoder.annotate === undefined) return '';
    const frame = encoder.annotate({ search_results: sources.slice(sent) });
    sent = sources.length;
    return frame;
  };
  return {
    start: () => encoder.start(),
    event: (e) => fresh() + encoder.event(e),
    end: () => fresh() + encoder.end(),
    error: (error) => encoder.error(error),
    heartbeat: () => encoder.heartbeat(),
    ...(encoder.keep === undefined ? {} : { keep: () => encoder.keep!() }),
  };
}
