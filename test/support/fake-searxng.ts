import type { ServerResponse } from 'node:http';
import { FakeUpstream, type RecordedRequest } from './fake-upstream.js';

export interface FakeSearchResult {
  title: string;
  url: string;
  content: string;
}

/**
 * A SearXNG instance's JSON API over real HTTP: `GET /search?q=…&format=json`
 * answers `results` (or `resultsFor(query)`) in SearXNG's response shape; a
 * request without `format=json` gets 403, as from a SearXNG whose JSON
 * format is not enabled. `queries` lists what was searched.
 */
export class FakeSearxng extends FakeUpstream {
  results: FakeSearchResult[] = [
    { title: 'Ling-1T launch', url: 'https://example.com/ling-1t', content: 'Ling-1T is a trillion-parameter model.' },
    { title: 'Ling models', url: 'https://example.com/ling', content: 'The Ling family of models.' },
  ];
  resultsFor: ((query: string) => FakeSearchResult[]) | undefined;

  get queries(): string[] {
    return this.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('q') ?? '');
  }

  protected answer(req: RecordedRequest, res: ServerResponse): void {
    const url = new URL(req.path, 'http://x');
    if (url.pathname !== '/search' || url.searchParams.get('format') !== 'json') {
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end('<h1>403 Forbidden</h1>');
      return;
    }
    const query = url.searchParams.get('q') ?? '';
    const results = (this.resultsFor?.(query) ?? this.results).map((r, i) => ({ ...r, engine: 'fake', engines: ['fake'], score: 1 / (i + 1), category: 'general' }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ query, number_of_results: results.length, results, answers: [], corrections: [], infoboxes: [], suggestions: [], unresponsive_engines: [] }));
  }
}
