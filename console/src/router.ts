import { useEffect, useState } from 'preact/hooks';

/**
 * The page's routes live in the URL fragment (`/console/#/keys?account=…`):
 * the server serves one page, and an invite's token (`#/invite/<token>`)
 * is never sent to any server or written in its logs.
 */
export interface Route {
  /** `keys`, `usage`, `invite`, … */
  page: string;
  /** What follows the page: `['<token>']` for an invite. */
  rest: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const q = text.indexOf('?');
  const [page = '', ...rest] = (q === -1 ? text : text.slice(0, q)).split('/').map(decodeURIComponent);
  return { page, rest, query: new URLSearchParams(q === -1 ? '' : text.slice(q + 1)) };
}

export function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return parseRoute(hash);
}

export function href(page: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
  const text = params.toString();
  return `#/${page}${text === '' ? '' : `?${text}`}`;
}

/** Goes to a page; `replace`: in place of the current entry of the history (an invite's spent token leaves no trace there). */
export function navigate(page: string, query: Record<string, string | undefined> = {}, replace = false): void {
  if (!replace) {
    location.hash = href(page, query);
    return;
  }
  history.replaceState(null, '', `${location.pathname}${location.search}${href(page, query)}`);
  dispatchEvent(new HashChangeEvent('hashchange'));
}
