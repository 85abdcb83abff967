import { Pool } from 'undici';
import { clientClosed, LinguaError } from '../canonical/index.js';
import type { SearchBackend, SearchHit } from './search-backend.js';
import type { SearchConfig } from './search-config.js';

/** SearXNG's JSON API: `GET /search?q=…&format=json` → `{results: [{title, url, content}]}`. */
export class SearxngBackend implements SearchBackend {
  readonly #config: SearchConfig;
  readonly #pool: Pool;
  readonly #path: string;

  constructor(config: SearchConfig) {
    this.#config = config;
    const url = new URL(config.base_url);
    this.#pool = new Pool(url.origin, { connections: 16, keepAliveTimeout: 30_000 });
    this.#path = `${url.pathname.replace(/\/+$/, '')}/search`;
  }

  async search(query: string, signal: AbortSignal): Promise<SearchHit[]> {
    const c = this.#config;
    const params = new URLSearchParams({ q: query, format: 'json' });
    if (c.language !== undefined) params.set('language', c.language);
    if (c.categories !== undefined) params.set('categories', c.categories);
    if (c.safesearch !== undefined) params.set('safesearch', String(c.safesearch));
    const timeout = AbortSignal.timeout(c.timeout_s * 1000);
    let text: string;
    let status: number;
    try {
      const res = await this.#pool.request({
        method: 'GET',
        path: `${this.#path}?${params}`,
        headers: { accept: 'application/json', ...c.headers },
        signal: AbortSignal.any([signal, timeout]),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      if (signal.aborted) throw clientClosed(error);
      if (timeout.aborted) throw new LinguaError('timeout', `the search backend did not answer within ${c.timeout_s} s`, { code: 'search_failed' });
      const reason = (error as { code?: string } | null)?.code ?? (error as Error).message;
      throw new LinguaError('upstream', `could not reach the search backend (${reason})`, { code: 'search_failed', cause: error });
    }
    if (status !== 200) throw new LinguaError('upstream', `the search backend failed with HTTP ${status}`, { code: 'search_failed' });
    let body: unknown;
    try { body = JSON.parse(text); } catch { body = undefined; }
    const results = (body as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) throw new LinguaError('upstream', 'the search backend answered without a results list', { code: 'search_failed' });
    return results.flatMap((r: Record<string, unknown>) => typeof r?.url === 'string'
      ? [{ title: typeof r.title === 'string' ? r.title : r.url, url: r.url, snippet: typeof r.content === 'string' ? r.content : '' }]
      : []).slice(0, c.max_results);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
